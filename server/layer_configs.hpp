#pragma once
// What each layer's config takes from chatd's options. Every field a layer
// does not take from here keeps its default, which comes from defaults.hpp
// as the options' defaults do.

#include <filesystem>
#include <optional>

#include "chat/chat_config.hpp"
#include "engineio/engineio_server.hpp"
#include "server_options.hpp"
#include "transport/http_server.hpp"

namespace chatd {

chat::ChatConfig chat_config(const ServerOptions& options);
eio::EngineIoConfig engine_config(const ServerOptions& options);
// `www`: the page's folder; none: headless.
transport::HttpConfig http_config(const ServerOptions& options, std::optional<std::filesystem::path> www);

}  // namespace chatd
