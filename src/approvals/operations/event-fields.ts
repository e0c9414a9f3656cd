// The payload fields approval operations share: which step or task an act is meant for, and a comment.
import { z } from 'zod';

/** The step the act is meant for (optional: the step where the actor has an open task). */
export const step = z.string().min(1).optional();
/** The inbox task the act is meant for (full id or short `t3`). */
export const taskId = z.string().min(1).optional();
/** A free-text comment recorded with the act. */
export const comment = z.string().optional();
/** A user id. */
export const user = z.string().min(1);
