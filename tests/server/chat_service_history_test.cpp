// Pages of older history ("history" event): read from the store outside the
// chat service's mutex, for members only, under the rate limit.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/chat_service.hpp"
#include "chat/local_recovery.hpp"
#include "gated_history_store.hpp"
#include "recording_outbox.hpp"
#include "store/sqlite_history_store.hpp"
#include "store/sqlite_recovery_store.hpp"
#include "temporary_directory.hpp"

using chatd::chat::ChatConfig;
using chatd::chat::ChatService;
using chatd::chat::LocalRecovery;
using codec::events::HistoryRequest;
using codec::events::NicknameRequest;
using codec::events::UserMessageRequest;
using Inbox = std::vector<std::string>;
using nlohmann::json;

namespace {

// The chat service over a real SQLite store (seen through a gate) that holds
// `stored` messages from before the service started, without a rate limit
// unless a test sets one.
struct HistoryFixture {
  explicit HistoryFixture(int stored, std::uint32_t rate_limit = 0, std::uint32_t rate_burst = 0)
      : config{.history_on_join = 3,
               .rate_limit = rate_limit,
               .rate_burst = rate_burst,
               .recovery_window = std::chrono::milliseconds(0)},
        stored_before_start(store_messages(stored)) {}

  TemporaryDirectory dir;
  chatd::store::SqliteHistoryStore store{dir.path() / "chat.db"};
  GatedHistoryStore gated{store};
  chatd::store::SqliteRecoveryStore members{dir.path() / "chat.db"};
  RecordingOutbox outbox;
  const ChatConfig config;
  const int stored_before_start;  // initialized before `chat`, which reads the store when it starts
  LocalRecovery recovery{config, gated, members};
  ChatService chat{config, gated, recovery, outbox};

  // Messages "message 1" .. "message n" by carol, stored directly (not
  // delivered by the chat service).
  int store_messages(int n) {
    for (int i = 1; i <= n; ++i) {
      store.append(chatd::store::NewMessage{"carol", "message " + std::to_string(i), 1000 + i}, nullptr);
    }
    store.flush();
    return n;
  }
  void join(chatd::chat::ClientId id, const std::string& nick) {
    chat.connect(id);
    chat.on_nickname(id, NicknameRequest{nick, 1});
    outbox.take(id);
  }
  // The one packet `id` got for its request, as JSON: the ack's argument.
  json ask(chatd::chat::ClientId id, std::optional<std::int64_t> before, std::uint64_t ack_id = 9) {
    chat.on_history(id, HistoryRequest{before, ack_id});
    const auto inbox = outbox.take(id);
    REQUIRE(inbox.size() == 1);
    // (Appended, not "3" + to_string(...): GCC 12 at -O3 warns falsely on
    // that concatenation, bug 105651, and -Werror stops the build.)
    std::string prefix = "3";
    prefix += std::to_string(ack_id);
    prefix += '[';
    REQUIRE(inbox[0].rfind(prefix, 0) == 0);
    const auto args = json::parse(inbox[0].substr(prefix.size() - 1));
    REQUIRE(args.size() == 1);
    return args[0];
  }
};

}  // namespace

TEST_CASE("Paging back through 250 messages gives 100, 100 and 50, with more, without gaps or duplicates") {
  HistoryFixture f(250);
  f.join(1, "alice");

  std::vector<std::int64_t> seen;
  std::optional<std::int64_t> before;
  std::vector<std::size_t> sizes;
  std::vector<bool> more;
  for (int page = 0; page < 3; ++page) {
    const auto answer = f.ask(1, before);
    REQUIRE(answer.contains("messages"));
    const auto& messages = answer["messages"];
    sizes.push_back(messages.size());
    more.push_back(answer["more"].get<bool>());
    // Oldest first, each page just below the previous one.
    std::vector<std::int64_t> ids;
    for (const auto& message : messages) {
      ids.push_back(message["id"].get<std::int64_t>());
      CHECK(message["from"] == "carol");
      CHECK(message["text"] == "message " + std::to_string(ids.back()));
      CHECK(message["ts"] == 1000 + ids.back());
    }
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    if (before) CHECK(ids.back() == *before - 1);
    seen.insert(seen.begin(), ids.begin(), ids.end());
    before = ids.front();
  }
  CHECK(sizes == std::vector<std::size_t>{100, 100, 50});
  CHECK(more == std::vector<bool>{true, true, false});
  REQUIRE(seen.size() == 250);
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == static_cast<std::int64_t>(i) + 1);

  // Before the first message there is nothing, and nothing more.
  CHECK(f.ask(1, 1) == json{{"messages", json::array()}, {"more", false}});
}

TEST_CASE("A page is exactly 100 and more is exact at the boundary") {
  HistoryFixture f(101);
  f.join(1, "alice");
  const auto newest = f.ask(1, std::nullopt);
  CHECK(newest["messages"].size() == 100);
  CHECK(newest["messages"][0]["id"] == 2);
  CHECK(newest["more"] == true);
  const auto rest = f.ask(1, 2);
  CHECK(rest["messages"].size() == 1);
  CHECK(rest["more"] == false);

  // Exactly 100 below the id: a full page, and no more.
  const auto full = f.ask(1, 101);
  CHECK(full["messages"].size() == 100);
  CHECK(full["more"] == false);
}

TEST_CASE("An empty history answers an empty page") {
  HistoryFixture f(0);
  f.join(1, "alice");
  f.chat.on_history(1, HistoryRequest{std::nullopt, 4});
  CHECK(f.outbox.take(1) == Inbox{R"(34[{"messages":[],"more":false}])"});
}

TEST_CASE("History is refused before a nickname, and without an ack id it comes as a chat error") {
  HistoryFixture f(5);
  f.chat.connect(1);
  f.chat.on_history(1, HistoryRequest{std::nullopt, 2});
  CHECK(f.outbox.take(1) == Inbox{R"(32[{"error":"Choose a nickname before reading the history"}])"});

  f.join(1, "alice");
  f.chat.on_history(1, HistoryRequest{3, std::nullopt});
  CHECK(f.outbox.take(1) ==
        Inbox{R"(2["chat error",{"event":"history","reason":"history needs an ack id: the page comes in the ack"}])"});

  // A client that is already gone gets nothing.
  f.chat.on_history(7, HistoryRequest{std::nullopt, 1});
  CHECK(f.outbox.take(7).empty());
}

TEST_CASE("History requests count towards the rate limit") {
  HistoryFixture f(5, 1, 3);  // one a second, bursts of 3
  f.join(1, "alice");         // 1st attempt
  CHECK(f.ask(1, std::nullopt)["messages"].size() == 5);
  CHECK(f.ask(1, 3)["messages"].size() == 2);
  CHECK(f.ask(1, 2) == json{{"error", "rate limit: at most 1 message per second"}});
  f.chat.on_user_message(1, UserMessageRequest{"and a message", 5});
  CHECK(f.outbox.take(1) == Inbox{R"(35[{"error":"rate limit: at most 1 message per second"}])"});
}

TEST_CASE("A store that cannot be read refuses the page with the reason") {
  HistoryFixture f(3);
  f.join(1, "alice");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((f.dir.path() / "chat.db").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "DROP TABLE messages", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK(f.ask(1, std::nullopt) == json{{"error", "the history could not be read: no such table: messages"}});
}

TEST_CASE("A page being read does not hold up joining and chatting") {
  HistoryFixture f(10);
  f.join(1, "alice");
  f.gated.close();
  std::thread reader([&] { f.chat.on_history(1, HistoryRequest{std::nullopt, 8}); });
  REQUIRE(f.gated.wait_for_held_read(std::chrono::seconds(5)));

  // With alice's page held in the store, bob joins and alice talks.
  f.join(2, "bob");
  f.chat.on_user_message(1, UserMessageRequest{"while paging", 3});
  f.store.flush();
  CHECK(f.gated.holding());  // all of the above happened while the read was held
  const auto to_bob = f.outbox.take(2);
  REQUIRE(to_bob.size() == 1);
  CHECK(to_bob[0].find("while paging") != std::string::npos);

  f.gated.open();
  reader.join();
  const auto to_alice = f.outbox.take(1);
  REQUIRE(to_alice.size() >= 2);
  CHECK(to_alice.back().rfind(R"(38[{"messages":[{"from":"carol","id":1,)", 0) == 0);
}

TEST_CASE("A page holds only messages already delivered, never one still on its way") {
  HistoryFixture f(5);
  f.join(1, "alice");
  f.join(2, "bob");
  f.outbox.take(1);  // bob's arrival
  // Committed by the store but not delivered by the chat service (as between
  // a commit and its broadcast): not in a page, whatever `before` says.
  f.store_messages(2);
  CHECK(f.ask(1, std::nullopt)["messages"].size() == 5);
  CHECK(f.ask(1, 1000)["messages"].back()["id"] == 5);

  // Delivered: in the newest page from then on.
  f.chat.on_user_message(2, UserMessageRequest{"delivered", 4});
  f.store.flush();
  f.outbox.take(1);
  const auto newest = f.ask(1, std::nullopt);
  CHECK(newest["messages"].size() == 8);
  CHECK(newest["messages"].back()["text"] == "delivered");
  CHECK(newest["messages"].back()["id"] == 8);
}
