// Per-user admission of the ChunkService: at most userConnectionsMax requests of one user in
// progress and a token bucket of userRequestsPerSMax per second (depth userRequestsBurstMax), both
// per process. Per process rather than shared in Redis: the check costs no round trip on every
// request and uploads keep working when Redis is down; the price is that N processes behind the
// UploadLB admit up to N times the rate of one, which the limits' documentation states.
// Pure apart from its own map: the time comes in as an argument (tests pass a ManualClock's).
import { apiLimits } from "../../core/limits.ts";
import { RetryLaterError } from "./http-io.ts";

export interface AdmissionLimits {
  readonly userConnectionsMax: number;
  readonly userRequestsPerSMax: number;
  readonly userRequestsBurstMax: number;
  readonly rateLimitedUsersMax: number;
}

interface UserState {
  tokens: number;
  refilledAtMs: number;
  inFlight: number;
}

export class UserAdmission {
  private readonly users = new Map<string, UserState>();

  constructor(private readonly limits: AdmissionLimits = apiLimits) {}

  /** Admits one request of `userId` or throws a 429 with the seconds to wait; pair with leave(). */
  enter(userId: string, nowMs: number): void {
    const l = this.limits;
    const state = this.users.get(userId) ?? this.add(userId, nowMs);
    state.tokens = Math.min(
      l.userRequestsBurstMax,
      state.tokens + ((nowMs - state.refilledAtMs) * l.userRequestsPerSMax) / 1000,
    );
    state.refilledAtMs = nowMs;
    if (state.inFlight >= l.userConnectionsMax) {
      throw new RetryLaterError(
        "USER_CONNECTIONS_MAX",
        `user ${userId} has ${state.inFlight} requests in ` +
          `progress, at most ${l.userConnectionsMax} per ChunkService; this one was not started`,
        1,
      );
    }
    if (state.tokens < 1) {
      const waitS = Math.max(1, Math.ceil((1 - state.tokens) / l.userRequestsPerSMax));
      throw new RetryLaterError(
        "USER_RATE_LIMITED",
        `user ${userId} sent more than ` +
          `${l.userRequestsPerSMax} requests/s (burst ${l.userRequestsBurstMax}) to this ChunkService; ` +
          "this one was not started",
        waitS,
      );
    }
    state.tokens -= 1;
    state.inFlight += 1;
  }

  leave(userId: string): void {
    const state = this.users.get(userId);
    if (state && state.inFlight > 0) state.inFlight -= 1;
  }

  /** Requests of `userId` in progress now. */
  inFlightOf(userId: string): number {
    return this.users.get(userId)?.inFlight ?? 0;
  }

  /** Users tracked now (bounded by rateLimitedUsersMax). */
  get trackedCount(): number {
    return this.users.size;
  }

  private add(userId: string, nowMs: number): UserState {
    if (this.users.size >= this.limits.rateLimitedUsersMax) this.evict(nowMs);
    const state = { tokens: this.limits.userRequestsBurstMax, refilledAtMs: nowMs, inFlight: 0 };
    this.users.set(userId, state);
    return state;
  }

  /** Drops idle users whose bucket has refilled (forgetting them changes nothing), else the oldest idle. */
  private evict(nowMs: number): void {
    const l = this.limits;
    const refillMs = (l.userRequestsBurstMax * 1000) / l.userRequestsPerSMax;
    for (const [user, s] of this.users) {
      if (s.inFlight === 0 && nowMs - s.refilledAtMs >= refillMs) this.users.delete(user);
    }
    if (this.users.size < l.rateLimitedUsersMax) return;
    for (const [user, s] of this.users) {
      if (s.inFlight === 0) {
        this.users.delete(user);
        if (this.users.size < l.rateLimitedUsersMax) return;
      }
    }
  }
}
