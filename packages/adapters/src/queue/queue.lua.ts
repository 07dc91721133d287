/**
 * The waiting room's Lua scripts. Each transition is ONE script, so it is atomic against every other client,
 * including other API processes. All scripts take the same seven keys of one concert, which share the hash
 * tag `{q:<concertId>}` and therefore one Redis Cluster slot:
 *
 *   KEYS[1] w    ZSET waiting: member userId, score = arrival seq (INCR), so order is exact, never time-based
 *   KEYS[2] a    ZSET active: member userId, score = activeUntil (ms)
 *   KEYS[3] u    HASH userId -> seq of the user's current pass (absent: no pass)
 *   KEYS[4] p    ZSET poll deadlines of waiters: score = ms by which they must poll again or be dropped
 *   KEYS[5] b    HASH userId -> rate-limit bucket "tokens:lastMs:refillMs"
 *   KEYS[6] m    HASH meta: soldOut, rate, sampleTs, and totals (admitted, expired, abandoned, spent, left)
 *   KEYS[7] seq  STRING arrival counter
 *
 * Invariants: a user is in at most one of w / a; u has an entry iff the user is in w or a (or a stale a entry
 * the next tick sweeps); p has an entry only for members of w.
 */

/** Shared helpers: poll base by position (bands from the domain policy) and the abandonment deadline. */
const POLICY = `
local function bands(s)
  local t = {}
  for n in string.gmatch(s, '[^,]+') do t[#t + 1] = tonumber(n) end
  return t
end
local function pollBase(b, pos)
  local ms = 0
  for i = 1, #b, 2 do
    ms = b[i + 1]
    if b[i] < 0 or pos <= b[i] then return ms end
  end
  return ms
end
local function deadline(now, base, jitter, missed, grace)
  return now + math.ceil(missed * base * (1 + jitter) + grace)
end
local function bucket(tokens, now, refill)
  return string.format('%.4f:%.0f:%.0f', tokens, now, refill)
end
`;

/**
 * ARGV: userId, now, bands, jitter, missed, grace, burst, refillFactor. A new pass answers a fifth field, 1 when the
 * concert had nobody waiting and nobody ACTIVE before it: only then must the caller put the concert on the ticker's
 * live list (RedisQueueStore.enter).
 */
export const ENTER_LUA = `${POLICY}
local uid, now = ARGV[1], tonumber(ARGV[2])
local b = bands(ARGV[3])
local jitter, missed, grace = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local burst, factor = tonumber(ARGV[7]), tonumber(ARGV[8])
if redis.call('HGET', KEYS[6], 'soldOut') == '1' then return {'SOLD_OUT'} end
local rate = redis.call('HGET', KEYS[6], 'rate') or ''
local cur = redis.call('HGET', KEYS[3], uid)
if cur then
  local untilMs = redis.call('ZSCORE', KEYS[2], uid)
  if untilMs then
    if tonumber(untilMs) > now then return {'ACTIVE', cur, untilMs} end
    -- ACTIVE pass past its deadline that no tick swept yet: end it here, a fresh pass follows.
    redis.call('ZREM', KEYS[2], uid)
    redis.call('HINCRBY', KEYS[6], 'expired', 1)
  else
    local rank = redis.call('ZRANK', KEYS[1], uid)
    if rank then
      -- Same pass, same place; entering again counts as a sign of life.
      redis.call('ZADD', KEYS[4], deadline(now, pollBase(b, rank + 1), jitter, missed, grace), uid)
      return {'WAITING', cur, rank + 1, rate}
    end
  end
end
local seq = redis.call('INCR', KEYS[7])
redis.call('HSET', KEYS[3], uid, seq)
redis.call('ZADD', KEYS[1], seq, uid)
-- seq is the largest score ever given, so the newcomer is last: its rank is the set's size.
local pos = redis.call('ZCARD', KEYS[1])
local base = pollBase(b, pos)
redis.call('ZADD', KEYS[4], deadline(now, base, jitter, missed, grace), uid)
redis.call('HSET', KEYS[5], uid, bucket(burst, now, base * factor))
local first = (pos == 1 and redis.call('ZCARD', KEYS[2]) == 0) and 1 or 0
return {'WAITING', tostring(seq), pos, rate, first}
`;

/** ARGV: userId, seq, now, bands, jitter, missed, grace, burst, refillFactor, activePollMs */
export const STATUS_LUA = `${POLICY}
local uid, seq, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local b = bands(ARGV[4])
local jitter, missed, grace = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local burst, factor, activePoll = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
if redis.call('HGET', KEYS[6], 'soldOut') == '1' then return {'SOLD_OUT'} end
if redis.call('HGET', KEYS[3], uid) ~= seq then return {'EXPIRED'} end
local tokens, refill = burst, 1000
local raw = redis.call('HGET', KEYS[5], uid)
if raw then
  local t, l, r = string.match(raw, '([^:]+):([^:]+):([^:]+)')
  refill = tonumber(r)
  tokens = math.min(burst, tonumber(t) + math.max(0, now - tonumber(l)) / refill)
end
if tokens < 1 then return {'RATE_LIMITED', math.ceil((1 - tokens) * refill)} end
tokens = tokens - 1
local untilMs = redis.call('ZSCORE', KEYS[2], uid)
if untilMs then
  if tonumber(untilMs) <= now then return {'EXPIRED'} end
  redis.call('HSET', KEYS[5], uid, bucket(tokens, now, activePoll * factor))
  return {'ACTIVE', untilMs}
end
local rank = redis.call('ZRANK', KEYS[1], uid)
if not rank then return {'EXPIRED'} end
local base = pollBase(b, rank + 1)
redis.call('ZADD', KEYS[4], deadline(now, base, jitter, missed, grace), uid)
redis.call('HSET', KEYS[5], uid, bucket(tokens, now, base * factor))
return {'WAITING', rank + 1, redis.call('HGET', KEYS[6], 'rate') or ''}
`;

/** ARGV: userId, seq, now. Read-only. */
export const CHECK_ACTIVE_LUA = `
local uid, seq, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('HGET', KEYS[3], uid) ~= seq then return {'EXPIRED'} end
local untilMs = redis.call('ZSCORE', KEYS[2], uid)
if untilMs then
  if tonumber(untilMs) > now then return {'ACTIVE', untilMs} end
  return {'EXPIRED'}
end
if redis.call('ZSCORE', KEYS[1], uid) then return {'WAITING'} end
return {'EXPIRED'}
`;

/** ARGV: userId, seq. Only the user's current pass can be given up. */
export const LEAVE_LUA = `
local uid = ARGV[1]
if redis.call('HGET', KEYS[3], uid) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], uid)
redis.call('ZREM', KEYS[2], uid)
redis.call('ZREM', KEYS[4], uid)
redis.call('HDEL', KEYS[3], uid)
redis.call('HDEL', KEYS[5], uid)
redis.call('HINCRBY', KEYS[6], 'left', 1)
return 1
`;

/** ARGV: userId. A completed payment ends the ACTIVE pass: the slot goes to the next in line. */
export const SPEND_LUA = `
local uid = ARGV[1]
if redis.call('ZREM', KEYS[2], uid) == 0 then return 0 end
redis.call('HDEL', KEYS[3], uid)
redis.call('HDEL', KEYS[5], uid)
redis.call('HINCRBY', KEYS[6], 'spent', 1)
return 1
`;

/**
 * ARGV: now, admitPerTick, maxActive, activeTtlMs, sweepLimit.
 * Expire, drop the silent, then admit FIFO. The free room is computed inside the script, so two tickers can
 * never together push the active set past maxActive.
 */
export const TICK_LUA = `
local now, perTick, maxActive = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl, limit = tonumber(ARGV[4]), tonumber(ARGV[5])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
if #expired > 0 then
  redis.call('ZREM', KEYS[2], unpack(expired))
  redis.call('HDEL', KEYS[3], unpack(expired))
  redis.call('HDEL', KEYS[5], unpack(expired))
  redis.call('HINCRBY', KEYS[6], 'expired', #expired)
end
local silent = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, limit)
if #silent > 0 then
  redis.call('ZREM', KEYS[1], unpack(silent))
  redis.call('ZREM', KEYS[4], unpack(silent))
  redis.call('HDEL', KEYS[3], unpack(silent))
  redis.call('HDEL', KEYS[5], unpack(silent))
  redis.call('HINCRBY', KEYS[6], 'abandoned', #silent)
end
local waitingBefore = redis.call('ZCARD', KEYS[1])
local admitted = 0
if waitingBefore > 0 and redis.call('HGET', KEYS[6], 'soldOut') ~= '1' then
  local n = math.min(perTick, maxActive - redis.call('ZCARD', KEYS[2]))
  if n > 0 then
    local popped = redis.call('ZPOPMIN', KEYS[1], n)
    local untilMs = now + ttl
    local args, ids = {}, {}
    for i = 1, #popped, 2 do
      args[#args + 1] = untilMs
      args[#args + 1] = popped[i]
      ids[#ids + 1] = popped[i]
    end
    admitted = #ids
    if admitted > 0 then
      redis.call('ZADD', KEYS[2], unpack(args))
      redis.call('ZREM', KEYS[4], unpack(ids))
      redis.call('HINCRBY', KEYS[6], 'admitted', admitted)
    end
  end
end
local prevRate = redis.call('HGET', KEYS[6], 'rate') or ''
local prevTs = redis.call('HGET', KEYS[6], 'sampleTs') or ''
redis.call('HSET', KEYS[6], 'sampleTs', ARGV[1])
return {admitted, #expired, #silent, redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]),
  waitingBefore > 0 and 1 or 0, prevRate, prevTs, redis.call('HGET', KEYS[6], 'soldOut') == '1' and 1 or 0}
`;

/**
 * Whether the concert is idle (nobody waiting, nobody ACTIVE), for taking it off the ticker's live list. An idle
 * concert also forgets when its admission rate was last sampled: the next interval with people waiting starts a
 * fresh sample instead of averaging over the idle time. No ARGV.
 */
export const RETIRE_LUA = `
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
redis.call('HDEL', KEYS[6], 'sampleTs')
return 1
`;
