import type { ServiceFactory } from './contracts.js';

/** Services mounted next to Lambda on the sandbox's port. Each part of the sandbox adds its factory here. */
export const extraServices: ServiceFactory[] = [];
