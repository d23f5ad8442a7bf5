#include "chat/history_page.hpp"

#include <algorithm>
#include <utility>

namespace chatd::chat {

namespace events = ::codec::events;

::codec::Result<events::HistoryPage, ::codec::Failure> read_history_page(store::HistoryStore& history,
                                                                         std::int64_t before) {
  auto read = history.before(before, events::kHistoryPageSize + 1);
  if (!read) return ::codec::Failure{read.error().reason};
  auto& stored = *read;  // oldest first: the extra one, when there is one, comes first
  events::HistoryPage page;
  page.more = stored.size() > events::kHistoryPageSize;
  page.messages.reserve(std::min(stored.size(), events::kHistoryPageSize));
  for (std::size_t i = page.more ? stored.size() - events::kHistoryPageSize : 0; i < stored.size(); ++i) {
    auto& message = stored[i];
    page.messages.push_back(
        events::HistoryEntry{std::move(message.from), std::move(message.text), message.id, message.ts});
  }
  return page;
}

}  // namespace chatd::chat
