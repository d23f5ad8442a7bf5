#pragma once
// Where the cluster's Redis is, from chatd's --redis URL:
// redis://[[user]:password@]host[:port][/db][?prefix=P]

#include <string>
#include <string_view>

#include "codec/result.hpp"

namespace chatd::cluster {

struct RedisEndpoint {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string user;      // empty: the default user (AUTH with the password alone)
  std::string password;  // empty: no AUTH
  std::string prefix;    // of every key (docs/cluster.md)

  // The URL without the password, for logs.
  std::string describe() const;
  bool operator==(const RedisEndpoint&) const = default;
};

::codec::Result<RedisEndpoint, ::codec::Failure> parse_redis_url(std::string_view url);

}  // namespace chatd::cluster
