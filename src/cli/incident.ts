import { incidentReport, incidentReview } from '../core/read/incident-report';
import { isHeraldError } from '../core/errors';
import { openExistingDb } from './audit';
import { CliFailure, EXIT } from './failure';

/** `herald incident report <id>`: the review of one incident on stdout, as Markdown or as figures (json). */
export function incidentReportCommand(id: number, format: 'md' | 'json' = 'md'): void {
  const db = openExistingDb();
  try {
    process.stdout.write(format === 'json' ? `${JSON.stringify(incidentReview(db, id), null, 2)}\n` : incidentReport(db, id));
  } catch (err) {
    if (isHeraldError(err) && err.code === 'not_found') throw new CliFailure(`there is no incident ${id} in this database; /incident in the comms channel lists them`, EXIT.problem);
    throw err;
  } finally {
    db.$client.close();
  }
}
