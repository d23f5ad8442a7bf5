// Older history on demand ("history" event) against the real chatd: pages of
// 100 back to the first message, with `more`; every kind of bad request is
// answered with its reason and the connection stays open.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "alice_and_bob.hpp"
#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
using nlohmann::json;
namespace events = codec::events;

namespace {

// Asks for the page before `before` (none: the newest) and reads the ack.
events::HistoryAck ask_history(SocketIoTestClient& client, std::optional<std::int64_t> before) {
  json argument = json::object();
  if (before) argument["before"] = *before;
  const auto id = client.emit(events::kHistory, json::array({argument}));
  auto ack = events::decode_history_ack(client.wait_for_ack(id));
  REQUIRE(ack);
  return std::move(*ack);
}

// Sends a raw event text with a fresh ack id (`["history",...]` as written)
// and returns the ack frame.
std::string raw_ack(SocketIoTestClient& client, const std::string& payload) {
  const auto id = client.reserve_ack_id();
  client.send_text("42" + std::to_string(id) + payload);
  const auto frames = client.frames_until([&](const std::string& f) { return chat_it::is_ack_frame(f, id); });
  return frames.back().substr(2 + std::to_string(id).size());  // the ack's arguments
}

}  // namespace

TEST_CASE("paging back through 250 messages gives 100, 100 and 50, no gaps, no duplicates", "[history][paging]") {
  chat_it::AliceAndBob chat({"--rate-limit", "0"});
  std::vector<events::MessageMeta> stored;
  for (int i = 1; i <= 250; ++i) stored.push_back(chat.alice.say("message " + std::to_string(i)));

  std::vector<std::int64_t> seen;
  std::vector<std::size_t> sizes;
  std::vector<bool> more;
  std::optional<std::int64_t> before;
  for (int page = 0; page < 3; ++page) {
    const auto ack = ask_history(chat.bob, before);
    REQUIRE(ack.page);
    sizes.push_back(ack.page->messages.size());
    more.push_back(ack.page->more);
    std::vector<std::int64_t> ids;
    for (const auto& message : ack.page->messages) {
      ids.push_back(message.id);
      CHECK(message.from == "alice");
    }
    REQUIRE_FALSE(ids.empty());
    CHECK(std::is_sorted(ids.begin(), ids.end()));  // oldest first
    if (before) CHECK(ids.back() < *before);
    seen.insert(seen.begin(), ids.begin(), ids.end());
    before = ids.front();
  }
  CHECK(sizes == std::vector<std::size_t>{100, 100, 50});
  CHECK(more == std::vector<bool>{true, true, false});

  // Exactly the stored messages, in order, with their texts and times.
  REQUIRE(seen.size() == stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) CHECK(seen[i] == stored[i].id);
  const auto oldest = ask_history(chat.bob, stored[1].id);
  REQUIRE(oldest.page);
  REQUIRE(oldest.page->messages.size() == 1);
  CHECK(oldest.page->messages[0] == events::HistoryEntry{"alice", "message 1", stored[0].id, stored[0].ts});
  CHECK_FALSE(oldest.page->more);

  // The wire form, byte for byte.
  CHECK(raw_ack(chat.bob, R"(["history",{"before":)" + std::to_string(stored[1].id) + "}]") ==
        R"([{"messages":[{"from":"alice","id":)" + std::to_string(stored[0].id) + R"(,"text":"message 1","ts":)" +
            std::to_string(stored[0].ts) + R"(}],"more":false}])");
  REQUIRE(chat.stop() == 0);
}

TEST_CASE("bad history requests are refused with the reason and the connection stays open", "[history][malformed]") {
  chat_it::AliceAndBob chat;
  chat.alice.say("one");
  chat.bob.wait_for_event(events::kUserMessage);

  struct Case {
    std::string payload;
    std::string answer;
  };
  const std::vector<Case> cases = {
      {R"(["history"])", R"([{"error":"history request is missing"}])"},
      {R"(["history",5])", R"([{"error":"history request must be an object"}])"},
      {R"(["history","older"])", R"([{"error":"history request must be an object"}])"},
      {R"(["history",null])", R"([{"error":"history request must be an object"}])"},
      {R"(["history",[{"before":5}]])", R"([{"error":"history request must be an object"}])"},
      {R"(["history",{},{}])", R"([{"error":"history takes one argument"}])"},
      {R"(["history",{"before":0}])", R"([{"error":"before must be a positive integer"}])"},
      {R"(["history",{"before":-3}])", R"([{"error":"before must be a positive integer"}])"},
      {R"(["history",{"before":1.5}])", R"([{"error":"before must be a positive integer"}])"},
      {R"(["history",{"before":"5"}])", R"([{"error":"before must be a positive integer"}])"},
      {R"(["history",{"before":null}])", R"([{"error":"before must be a positive integer"}])"},
      {R"(["history",{"before":9223372036854775808}])", R"([{"error":"before must be a positive integer"}])"},
      {R"(["history",{"before":5,"limit":100000}])", R"([{"error":"history request takes only \"before\""}])"},
      {R"(["history",{"after":5}])", R"([{"error":"history request takes only \"before\""}])"},
  };
  for (const auto& c : cases) {
    INFO(c.payload);
    CHECK(raw_ack(chat.bob, c.payload) == c.answer);
  }

  // Without an ack id the answer is a chat error, for a good request and a bad one.
  chat.bob.send_text(R"(42["history",{}])");
  CHECK(chat.bob.next_frame() ==
        R"(42["chat error",{"event":"history","reason":"history needs an ack id: the page comes in the ack"}])");
  chat.bob.send_text(R"(42["history",5])");
  CHECK(chat.bob.next_frame() ==
        R"(42["chat error",{"event":"history","reason":"history request must be an object"}])");

  // Before a nickname: refused.
  SocketIoTestClient carol(chat.server.port());
  carol.connect();
  CHECK(raw_ack(carol, R"(["history",{}])") == R"([{"error":"Choose a nickname before reading the history"}])");

  // Still connected, still answered; nobody else heard of any of it.
  const auto page = ask_history(chat.bob, std::nullopt);
  REQUIRE(page.page);
  REQUIRE(page.page->messages.size() == 1);
  CHECK(page.page->messages[0].text == "one");
  CHECK_FALSE(chat.bob.closed());
  chat.bob.say("bob is fine");
  const auto to_alice = chat_it::event_as<events::UserMessage>(chat.alice.wait_for_event(events::kUserMessage));
  CHECK(to_alice.text == "bob is fine");
  CHECK(chat.alice.inbox_size() == 0);
  REQUIRE(chat.stop({&carol}) == 0);
}

TEST_CASE("history requests count towards --rate-limit", "[history][limits][rate]") {
  // One attempt a second after a burst of 3, of which bob's join took one:
  // six requests at once are beyond it however slow the machine.
  chat_it::AliceAndBob chat({"--rate-limit", "1", "--rate-burst", "3"});
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(chat.bob.emit(events::kHistory, json::array({json::object()})));
  std::vector<bool> answered;
  for (const auto id : ids) {
    const auto ack = events::decode_history_ack(chat.bob.wait_for_ack(id));
    REQUIRE(ack);
    if (!ack->page) CHECK(ack->error == "rate limit: at most 1 message per second");
    answered.push_back(ack->page.has_value());
  }
  CHECK(answered[0]);
  CHECK(answered[1]);
  CHECK(std::count(answered.begin(), answered.end(), false) >= 2);
  REQUIRE(chat.stop() == 0);
}
