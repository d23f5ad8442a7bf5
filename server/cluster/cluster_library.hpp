#pragma once
// The Redis Functions library of cluster mode (server/cluster/lua/chat.lua,
// embedded at build time; docs/cluster.md lists its functions).

#include <string_view>

namespace chatd::cluster {

std::string_view cluster_library();

}  // namespace chatd::cluster
