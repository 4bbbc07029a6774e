-- Takes a plan's lease unless a live one is held. Time is the Redis server's own clock.
-- KEYS[1] lease hash, KEYS[2] token counter; ARGV[1] owner, ARGV[2] duration ms, ARGV[3] record retention ms
-- Returns {1, owner, token, expiresAt, now} when taken, {0, holder, token, expiresAt, now} when held.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cur = redis.call('HMGET', KEYS[1], 'owner', 'token', 'expiresAt')
if cur[1] and tonumber(cur[3] or '0') > now then
  return {0, cur[1], tonumber(cur[2] or '0'), tonumber(cur[3] or '0'), now}
end
local token = redis.call('INCR', KEYS[2])
local expires = now + tonumber(ARGV[2])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', string.format('%d', token),
  'expiresAt', string.format('%d', expires))
redis.call('PEXPIREAT', KEYS[1], string.format('%d', expires + tonumber(ARGV[3])))
return {1, ARGV[1], token, expires, now}
