export const id = 268;
export const ids = [268];
export const modules = {

/***/ 7268:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   appSpecTargetVersion: () => (/* binding */ appSpecTargetVersion),
/* harmony export */   findActiveDeployment: () => (/* binding */ findActiveDeployment),
/* harmony export */   getDeployment: () => (/* binding */ getDeployment),
/* harmony export */   isActive: () => (/* binding */ isActive),
/* harmony export */   stopWithRollback: () => (/* binding */ stopWithRollback)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_codedeploy__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7507);
/* harmony import */ var _lambda_release_kit_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7638);
/* harmony import */ var _lambda_release_kit_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1576);


// Loaded with import() only when a CodeDeploy deployment may be involved, so the plain alias path never pays for it.
const ACTIVE = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];
const FINISHED = new Set(['Succeeded', 'Failed', 'Stopped']);
function isActive(status) {
    return status !== undefined && ACTIVE.includes(status);
}
/** The group's deployment that is still running, if any (CodeDeploy runs one at a time per group). */
async function findActiveDeployment(client, group) {
    return (0,_lambda_release_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .withContext */ .eQ)(`listing in-progress deployments of CodeDeploy group ${group.application}/${group.deploymentGroup}`, async () => {
        const result = await client.send(new _aws_sdk_client_codedeploy__WEBPACK_IMPORTED_MODULE_1__/* .ListDeploymentsCommand */ .sr8({
            applicationName: group.application,
            deploymentGroupName: group.deploymentGroup,
            includeOnlyStatuses: ACTIVE,
        }));
        return result.deployments?.[0];
    });
}
async function getDeployment(client, deploymentId) {
    return (0,_lambda_release_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .withContext */ .eQ)(`reading CodeDeploy deployment ${deploymentId}`, async () => {
        const result = await client.send(new _aws_sdk_client_codedeploy__WEBPACK_IMPORTED_MODULE_1__/* .GetDeploymentCommand */ .Tvn({ deploymentId }));
        return result.deploymentInfo ?? {};
    });
}
/** The Lambda version a deployment shifts traffic to, read from its AppSpec (YAML or JSON) when it carries one. */
function appSpecTargetVersion(info) {
    const content = info.revision?.appSpecContent?.content;
    return content?.match(/["']?TargetVersion["']?\s*:\s*["']?(\d+)/)?.[1];
}
/**
 * Stops a deployment with autoRollbackEnabled and waits until it has finished and CodeDeploy's rollback
 * deployment (which points the alias back at the original version) has finished too. A deployment that already
 * completed is reported, not thrown: the caller then fixes the alias itself.
 */
async function stopWithRollback(client, deploymentId, options) {
    try {
        const result = await options.call(`StopDeployment ${deploymentId}`, (abortSignal) => client.send(new _aws_sdk_client_codedeploy__WEBPACK_IMPORTED_MODULE_1__/* .StopDeploymentCommand */ .NzN({ deploymentId, autoRollbackEnabled: true }), { abortSignal }));
        options.logger.info(`StopDeployment ${deploymentId}: ${result.status ?? 'accepted'}${result.statusMessage ? ` (${result.statusMessage})` : ''}`);
    }
    catch (error) {
        if ((0,_lambda_release_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .awsErrorName */ .ZH)(error) === 'DeploymentAlreadyCompletedException') {
            return { stopped: false, message: `CodeDeploy deployment ${deploymentId} had already completed` };
        }
        throw new Error(`stopping CodeDeploy deployment ${deploymentId} failed: ${(0,_lambda_release_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error)}`, {
            cause: error,
        });
    }
    const finished = await waitUntilFinished(client, deploymentId, options);
    const rollbackId = finished.rollbackInfo?.rollbackDeploymentId;
    if (rollbackId)
        await waitUntilFinished(client, rollbackId, options);
    return { stopped: true, info: finished, rollbackDeploymentId: rollbackId };
}
async function waitUntilFinished(client, deploymentId, options) {
    const info = await (0,_lambda_release_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .waitFor */ .fm)({
        what: `CodeDeploy deployment ${deploymentId} to finish`,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        initialDelayMs: 250,
        maxDelayMs: 3_000,
        onProgress: (line) => options.logger.info(line),
        check: async () => {
            const current = await options.call(`reading CodeDeploy deployment ${deploymentId}`, () => getDeployment(client, deploymentId));
            const done = FINISHED.has(current.status ?? '');
            return current.status ? { done, value: current, status: current.status } : { done, value: current };
        },
    });
    return info ?? {};
}


/***/ })

};
