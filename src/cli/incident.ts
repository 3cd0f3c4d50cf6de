import { incidentReport } from '../core/read/incident-report';
import { isHeraldError } from '../core/errors';
import { openExistingDb } from './audit';
import { CliFailure, EXIT } from './failure';

/** `herald incident report <id>`: the review of one incident, as Markdown on stdout. */
export function incidentReportCommand(id: number): void {
  const db = openExistingDb();
  try {
    process.stdout.write(incidentReport(db, id));
  } catch (err) {
    if (isHeraldError(err) && err.code === 'not_found') throw new CliFailure(`there is no incident ${id} in this database; /incident in the comms channel lists them`, EXIT.problem);
    throw err;
  } finally {
    db.$client.close();
  }
}
