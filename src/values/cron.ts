// Schedules as users write them: five-field cron expressions.
import { validate } from 'node-cron';
import { z } from 'zod';

export const cronSchedule = z.string().refine((value) => validate(value), {
  error: (issue) => `"${String(issue.input)}" is not a cron schedule (example: "0 4 * * *", daily at 04:00)`,
});
