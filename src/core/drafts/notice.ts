import { utcMinute } from '../../util/time';

/** Appended to a corrected statement, so readers of an edited post see that it changed and when. */
export function correctionNotice(now = new Date()): string {
  return `_Corrected ${utcMinute(now)} UTC._`;
}

/**
 * Around every statement of a drill: the first and the last message of a post say it is an
 * exercise, so a screenshot of any one of them cannot pass for a real incident.
 */
export function drillMarks(label: string): { prefix: string; suffix: string } {
  return { prefix: `**[${label}] This is a drill, not a real incident.**`, suffix: `_[${label}] End of drill message. No action is needed._` };
}
