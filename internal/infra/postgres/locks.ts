/**
 * Every PostgreSQL advisory lock key this service uses, in one table, so two features can never
 * pick the same number by accident (advisory keys are plain integers shared by everything that
 * connects to the database; they are scoped per database, so per-test databases never contend).
 *
 * The 7_000_xxx range keeps clear of small numbers that other tools sharing a database tend to
 * use. Never reuse or renumber a key: replicas of an older and a newer version may run side by
 * side during a rolling deploy and must still exclude each other.
 */
export const AdvisoryLock = {
  /**
   * Held (session level, on one pinned connection) for a whole migration run, so replicas that
   * start together apply each file exactly once; the others wait, then find nothing to do.
   */
  migrations: 7_000_001,
  /**
   * One SpaceX schedule sync at a time across all replicas: a session-level try-lock held on one
   * pinned connection for the whole run (fetch included), so a replica that does not get it
   * skips its run instead of queueing, and a runner that dies frees it with its connection.
   */
  spacexSync: 7_000_002,
  /**
   * Bookings take it shared and a sync applying SpaceX cancellations takes it exclusive (both
   * transaction level), so a booking checked against the old schedule cannot commit after the
   * sync cancelled that launch; bookings never wait for each other on it.
   */
  bookingWrites: 7_000_003,
  /**
   * Class of the per-pad, per-ISO-week locks (two-key form: this class, hash of pad and week;
   * the class keeps them clear of the single-key locks above). A booking holds its pad-week's
   * lock until commit, so two first bookings for one destination on different days of a week,
   * or on the same day, never race on the two unique indexes at once: ON CONFLICT resolves only
   * its arbiter index, and a race decided by the other one would reject a booking that should
   * have joined the winner's launch.
   */
  padWeek: 7_000_004,
} as const;
