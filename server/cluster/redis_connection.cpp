#include "cluster/redis_connection.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

namespace chatd::cluster {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

RedisReply copy_reply(const redisReply* reply) {
  RedisReply out;
  switch (reply->type) {
    case REDIS_REPLY_STRING: out.type = RedisReply::Type::String; break;
    case REDIS_REPLY_STATUS: out.type = RedisReply::Type::Status; break;
    case REDIS_REPLY_ERROR: out.type = RedisReply::Type::Error; break;
    case REDIS_REPLY_INTEGER: out.type = RedisReply::Type::Integer; break;
    case REDIS_REPLY_ARRAY: out.type = RedisReply::Type::Array; break;
    default: out.type = RedisReply::Type::Nil; break;
  }
  if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS || reply->type == REDIS_REPLY_ERROR) {
    out.text.assign(reply->str, reply->len);
  } else if (reply->type == REDIS_REPLY_INTEGER) {
    out.integer = reply->integer;
  } else if (reply->type == REDIS_REPLY_ARRAY) {
    out.elements.reserve(reply->elements);
    for (std::size_t i = 0; i < reply->elements; ++i) out.elements.push_back(copy_reply(reply->element[i]));
  }
  return out;
}

}  // namespace

const std::string& RedisReply::text_at(std::size_t i) const {
  static const std::string kNone;
  if (type != Type::Array || i >= elements.size() || !elements[i].is_text()) return kNone;
  return elements[i].text;
}

RedisConnection::RedisConnection(RedisEndpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

RedisConnection::~RedisConnection() { disconnect(); }

void RedisConnection::disconnect() {
  if (context_) redisFree(context_);
  context_ = nullptr;
}

void RedisConnection::set_timeout(std::chrono::milliseconds timeout) {
  timeout_ = timeout;
  if (context_) redisSetTimeout(context_, to_timeval(timeout_));
}

::codec::Failure RedisConnection::fail(const std::string& what) {
  std::string reason = what;
  if (context_ && context_->err) reason += ": " + std::string(context_->errstr);
  disconnect();
  return ::codec::Failure{std::move(reason)};
}

::codec::Result<void, ::codec::Failure> RedisConnection::connect() {
  if (context_) return {};
  context_ = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, to_timeval(timeout_));
  if (!context_) return ::codec::Failure{"cannot allocate a Redis connection"};
  if (context_->err) return fail("cannot connect to " + endpoint_.host + ":" + std::to_string(endpoint_.port));
  redisSetTimeout(context_, to_timeval(timeout_));
  redisEnableKeepAlive(context_);
  const auto check = [this](const Command& argv, const char* what) -> ::codec::Result<void, ::codec::Failure> {
    auto reply = command(argv);
    if (!reply) return reply.error();
    if (reply->is_error()) return fail(std::string(what) + ": " + reply->text);
    return {};
  };
  if (!endpoint_.password.empty()) {
    Command auth{"AUTH"};
    if (!endpoint_.user.empty()) auth.push_back(endpoint_.user);
    auth.push_back(endpoint_.password);
    if (auto done = check(auth, "AUTH refused"); !done) return done;
  }
  if (endpoint_.db != 0) {
    if (auto done = check({"SELECT", std::to_string(endpoint_.db)}, "SELECT refused"); !done) return done;
  }
  return {};
}

RedisConnection::Reply RedisConnection::command(const Command& argv) {
  auto replies = pipeline({argv});
  return std::move(replies.front());
}

std::vector<RedisConnection::Reply> RedisConnection::pipeline(const std::vector<Command>& commands) {
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  const auto fail_rest = [&](const ::codec::Failure& failure) {
    while (replies.size() < commands.size()) replies.emplace_back(failure);
    return std::move(replies);
  };
  if (auto connected = connect(); !connected) return fail_rest(connected.error());
  std::vector<const char*> args;
  std::vector<std::size_t> lengths;
  for (const auto& argv : commands) {
    args.clear();
    lengths.clear();
    for (const auto& arg : argv) {
      args.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), args.data(), lengths.data()) != REDIS_OK) {
      return fail_rest(fail("cannot send to Redis"));
    }
  }
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || !raw) return fail_rest(fail("no reply from Redis"));
    auto* reply = static_cast<redisReply*>(raw);
    replies.emplace_back(copy_reply(reply));
    freeReplyObject(reply);
  }
  return replies;
}

}  // namespace chatd::cluster
