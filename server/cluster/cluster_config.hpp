#pragma once

#include <chrono>
#include <cstdint>

#include "cluster/redis_endpoint.hpp"
#include "defaults.hpp"

namespace chatd::cluster {

// A cluster node's settings (docs/cluster.md, "Settings"); the chat's own
// (history, rate limit, recovery window) are in chat::ChatConfig.
struct ClusterConfig {
  RedisEndpoint redis;  // its prefix names every key
  std::uint64_t stream_maxlen = defaults::kRedisStreamMaxlen;
  std::chrono::milliseconds node_timeout = defaults::kClusterNodeTimeout;

  bool operator==(const ClusterConfig&) const = default;
};

}  // namespace chatd::cluster
