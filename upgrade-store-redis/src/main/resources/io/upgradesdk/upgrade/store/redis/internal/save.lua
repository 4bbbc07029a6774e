-- Fenced checkpoint write: only for the recorded owner AND token, and only before the lease expires.
-- KEYS[1] lease hash, KEYS[2] checkpoint, KEYS[3] token counter; ARGV[1] owner, ARGV[2] token, ARGV[3] checkpoint JSON
-- Returns {1, ...} when written, {0, holder or '', token, expiresAt, now} when the lease was lost (6th element: 1 if the token counter exists),
-- {2, owner, token, expiresAt, now} when it expired.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cur = redis.call('HMGET', KEYS[1], 'owner', 'token', 'expiresAt')
if cur[1] ~= ARGV[1] or cur[2] ~= ARGV[2] then
  return {0, cur[1] or '', tonumber(cur[2] or '0'), tonumber(cur[3] or '0'), now, redis.call('EXISTS', KEYS[3])}
end
local expires = tonumber(cur[3] or '0')
if expires <= now then
  return {2, cur[1], tonumber(cur[2]), expires, now}
end
redis.call('SET', KEYS[2], ARGV[3])
return {1, cur[1], tonumber(cur[2]), expires, now}
