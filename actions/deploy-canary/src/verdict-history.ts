import { LookCounter } from './check-schedule.js';
import {
  type CarriedVerdict,
  type HealthEvidence,
  type HealthJudgement,
  judgeHealth,
  type LookStage,
} from './health.js';
import type { HealthThresholds, OnInconclusive } from './plan.js';
import { BUDGET_SPLIT } from './sequential-test.js';

/**
 * One function's verdicts over the looks of a rollout. It keeps what later looks build on: the catastrophe fast
 * path's spending (only looks with new canary data spend), a healthy boundary once reached, the truncated decision
 * once made, and the data end and count of the last look, for the current invocation rate.
 */
export class VerdictHistory {
  private readonly catastrophe: LookCounter;
  private carried: CarriedVerdict = {};
  private last: { endMs: number; invocations: number } | undefined;
  private perSecond = 0;

  /**
   * @param plannedLooks the looks the schedule plans (the fast path's spending is spread over them)
   * @param falseRollbackRate this function's share of false-rollback-rate
   */
  constructor(
    plannedLooks: number,
    private readonly falseRollbackRate: number,
    private readonly onInconclusive: OnInconclusive,
  ) {
    this.catastrophe = new LookCounter(plannedLooks, falseRollbackRate * BUDGET_SPLIT.catastrophe);
  }

  /** Judges the evidence published up to `endMs` at this stage of the schedule. */
  judge(
    evidence: HealthEvidence,
    endMs: number,
    thresholds: HealthThresholds,
    stage: LookStage,
  ): HealthJudgement {
    const seen = evidence.canary.invocations + evidence.canary.throttles;
    const fresh = seen > (this.last?.invocations ?? 0);
    if (this.last === undefined) {
      this.perSecond = seen / Math.max(1, evidence.windowMs / 1000);
    } else if (endMs > this.last.endMs) {
      this.perSecond = (seen - this.last.invocations) / ((endMs - this.last.endMs) / 1000);
    }
    const judgement = judgeHealth(evidence, thresholds, {
      stage,
      falseRollbackRate: this.falseRollbackRate,
      catastropheAlpha: fresh ? this.catastrophe.next() : 0,
      onInconclusive: this.onInconclusive,
      perSecond: this.perSecond,
      carried: this.carried,
    });
    this.carried = judgement.carried ?? this.carried;
    if (seen > 0 && (this.last === undefined || endMs > this.last.endMs)) {
      this.last = { endMs, invocations: seen };
    }
    return judgement;
  }
}
