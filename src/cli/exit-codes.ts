/** The CLI's exit codes (DESIGN §7), in one place. */
export const EXIT = Object.freeze({
  /** Clean stop (SIGTERM/SIGINT, or a check that found nothing). */
  OK: 0,
  /** The root supervisor gave up (restart intensity exceeded at the top). */
  ROOT_GAVE_UP: 1,
  /** Bad command line. */
  USAGE: 2,
  /** Invalid config (sysexits EX_CONFIG). */
  CONFIG: 78,
});
