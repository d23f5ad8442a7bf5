#pragma once
// One page of older history, read for a "history" request: the one way both
// chats (ChatService, and cluster::ClusterChatService from its replica) turn
// the store's rows into the codec's page.

#include <cstdint>

#include "codec/chat_events.hpp"
#include "codec/result.hpp"
#include "store/history_store.hpp"

namespace chatd::chat {

// The page of at most kHistoryPageSize messages with an id below `before`,
// oldest first. One more row than a page is read, so that `more` says exactly
// whether older messages exist.
::codec::Result<::codec::events::HistoryPage, ::codec::Failure> read_history_page(store::HistoryStore& history,
                                                                                  std::int64_t before);

}  // namespace chatd::chat
