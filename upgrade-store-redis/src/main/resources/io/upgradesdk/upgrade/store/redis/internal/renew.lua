-- Extends the lease if owner AND fencing token still match the recorded one (also after expiry,
-- while nobody took it over and the record is kept).
-- KEYS[1] lease hash, KEYS[2] token counter; ARGV[1] owner, ARGV[2] token, ARGV[3] duration ms, ARGV[4] record retention ms
-- Returns {1, owner, token, expiresAt, now} when renewed, {0, holder or '', token, expiresAt, now} when lost (6th element: 1 if the token counter exists).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cur = redis.call('HMGET', KEYS[1], 'owner', 'token', 'expiresAt')
if cur[1] ~= ARGV[1] or cur[2] ~= ARGV[2] then
  return {0, cur[1] or '', tonumber(cur[2] or '0'), tonumber(cur[3] or '0'), now, redis.call('EXISTS', KEYS[2])}
end
local expires = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'expiresAt', string.format('%d', expires))
redis.call('PEXPIREAT', KEYS[1], string.format('%d', expires + tonumber(ARGV[4])))
return {1, ARGV[1], tonumber(ARGV[2]), expires, now}
