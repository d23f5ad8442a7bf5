#pragma once
// One blocking connection to Redis through hiredis (Debian's libhiredis):
// connects on demand (AUTH, SELECT), sends commands as argument vectors
// (binary-safe) one at a time or pipelined, and drops the connection on any
// I/O error or timeout, so that the next call connects afresh. Used by one
// thread at a time.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cluster/redis_endpoint.hpp"
#include "cluster/redis_reply.hpp"
#include "codec/result.hpp"

struct redisContext;

namespace chatd::cluster {

class RedisConnection {
 public:
  using Command = std::vector<std::string>;
  // A reply (possibly an error reply), or why the connection failed.
  using Reply = ::codec::Result<RedisReply, ::codec::Failure>;

  // `timeout`: for connecting and for each reply.
  RedisConnection(RedisEndpoint endpoint, std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Connects when not connected; the reason when it cannot.
  ::codec::Result<void, ::codec::Failure> connect();
  bool connected() const { return context_ != nullptr; }
  void disconnect();
  // The time allowed for each reply, e.g. longer than a blocking XREAD's BLOCK.
  void set_timeout(std::chrono::milliseconds timeout);

  Reply command(const Command& argv);
  // Sends every command, then reads every reply: one round trip. When the
  // connection fails midway, the replies not read are failures.
  std::vector<Reply> pipeline(const std::vector<Command>& commands);

 private:
  ::codec::Failure fail(const std::string& what);

  const RedisEndpoint endpoint_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
};

}  // namespace chatd::cluster
