// The config as `hearth check` sees it: valid, its zone files, lists and keys readable.
import { formatError } from '../../diagnostics/source-error.ts';
import { checkConfig } from '../check.ts';
import { fail, note, ok, type Finding } from './finding.ts';

export async function configCheck(file: string | undefined): Promise<Finding[]> {
  const name = file ?? '(built-in default)';
  const { errors, warnings, notes } = await checkConfig(file);
  const unreadable = errors.some((error) => /EACCES/.test(error.message));
  const hint = unreadable ? 'run "sudo hearth doctor" (the config is for the hearth user only)' : `fix it, then "hearth check -c ${file ?? 'FILE'}"`;
  return [
    errors.length === 0 ? ok(`config ${name} is valid`) : fail(`config ${name}: ${errors.map(formatError).join('; ')}`, hint),
    ...warnings.map((item) => note(`${formatError(item)} (served without it)`)),
    ...notes.map((item) => note(`${formatError(item)} (fetched when hearth starts)`)),
  ];
}
