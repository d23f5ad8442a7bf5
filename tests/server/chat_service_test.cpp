#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "chat/chat_service.hpp"
#include "chat/local_recovery.hpp"
#include "recording_outbox.hpp"
#include "store/sqlite_history_store.hpp"
#include "store/sqlite_recovery_store.hpp"
#include "temporary_directory.hpp"

using chatd::chat::ChatConfig;
using chatd::chat::ChatService;
using chatd::chat::LocalRecovery;
using codec::events::NicknameRequest;
using codec::events::UserMessageRequest;
using Inbox = std::vector<std::string>;

namespace {

// The chat service with a real SQLite store and a recording outbox.
struct ChatFixture {
  TemporaryDirectory dir;
  chatd::store::SqliteHistoryStore store{dir.path() / "chat.db"};
  chatd::store::SqliteRecoveryStore members{dir.path() / "chat.db"};
  RecordingOutbox outbox;
  // Recovery off: these packets carry no offsets (see chat_service_recovery_test.cpp).
  const ChatConfig config{.history_on_join = 3, .recovery_window = std::chrono::milliseconds(0)};
  LocalRecovery recovery{config, store, members};
  ChatService chat{config, store, recovery, outbox};

  void join(chatd::chat::ClientId id, const std::string& nick) {
    chat.connect(id);
    chat.on_nickname(id, NicknameRequest{nick, 1});
  }
  void say(chatd::chat::ClientId id, const std::string& text, std::optional<std::uint64_t> ack = {}) {
    chat.on_user_message(id, UserMessageRequest{text, ack});
    store.flush();  // acks and broadcasts follow the commit
  }
};

nlohmann::json payload(const std::string& packet) { return nlohmann::json::parse(packet.substr(packet.find('['))); }

}  // namespace

TEST_CASE("Joining: ack, announcement to others, nicknames to everyone") {
  ChatFixture f;
  f.join(1, "alice");
  CHECK(f.outbox.take(1) == Inbox{"31[false]", R"(2["nicknames",{"alice":"alice"}])"});

  f.join(2, "  bob  ");  // trimmed
  CHECK(f.outbox.take(2) == Inbox{"31[false]", R"(2["nicknames",{"alice":"alice","bob":"bob"}])"});
  CHECK(f.outbox.take(1) ==
        Inbox{R"(2["announcement","bob connected"])", R"(2["nicknames",{"alice":"alice","bob":"bob"}])"});
}

TEST_CASE("Refused nicknames get a reason and change nothing") {
  ChatFixture f;
  f.join(1, "alice");
  f.outbox.take(1);

  f.join(2, "ALICE");
  CHECK(f.outbox.take(2) == Inbox{R"(31[true,"Nickname already in use"])"});
  f.chat.on_nickname(2, NicknameRequest{"   ", 2});
  CHECK(f.outbox.take(2) == Inbox{R"(32[true,"Nickname is empty"])"});
  f.chat.on_nickname(2, NicknameRequest{"\xE2\x80\xAE"
                                        "evil",
                                        std::nullopt});  // no ack: a chat error event
  CHECK(
      f.outbox.take(2) ==
      Inbox{
          R"(2["chat error",{"event":"nickname","reason":"Nickname contains invisible or direction-changing characters"}])"});
  CHECK(f.outbox.take(1).empty());  // alice saw nothing of it

  f.chat.on_nickname(1, NicknameRequest{"alice2", 3});
  CHECK(f.outbox.take(1) == Inbox{R"(33[true,"You already have a nickname"])"});
}

TEST_CASE("A message is stored, acked to its sender and sent to everyone else") {
  ChatFixture f;
  f.join(1, "alice");
  f.join(2, "bob");
  f.chat.connect(3);  // connected, no nickname: gets no messages
  f.outbox.take(1);
  f.outbox.take(2);

  f.say(1, "hello", 7);
  const auto sender = f.outbox.take(1);
  REQUIRE(sender.size() == 1);
  CHECK(sender[0].rfind("37[", 0) == 0);
  const auto meta = payload(sender[0])[0];
  CHECK(meta["id"] == 1);

  const auto other = f.outbox.take(2);
  REQUIRE(other.size() == 1);
  const auto event = payload(other[0]);
  CHECK(event[0] == "user message");
  CHECK(event[1] == "alice");
  CHECK(event[2] == "hello");
  CHECK(event[3]["id"] == meta["id"]);
  CHECK(event[3]["ts"] == meta["ts"]);
  CHECK_FALSE(event[3].contains("history"));
  CHECK(f.outbox.take(3).empty());
}

TEST_CASE("Refused messages get a reason, and nothing is stored or broadcast") {
  ChatFixture f;
  f.chat.connect(1);
  f.say(1, "too early", 1);
  CHECK(f.outbox.take(1) == Inbox{R"(31[{"error":"Choose a nickname before sending messages"}])"});

  f.join(1, "alice");
  f.join(2, "bob");
  f.outbox.take(1);
  f.outbox.take(2);
  f.say(1, "", 2);
  f.say(1, std::string(2001, 'x'), 3);
  f.say(1, " \t ");
  CHECK(f.outbox.take(1) == Inbox{R"(32[{"error":"Message is empty"}])",
                                  R"(33[{"error":"Message is longer than 2000 characters"}])",
                                  R"(2["chat error",{"event":"user message","reason":"Message is empty"}])"});
  CHECK(f.outbox.take(2).empty());
  CHECK(f.store.recent(10).empty());
}

TEST_CASE("Attempts beyond the rate limit are refused with the reason, other clients are unaffected") {
  TemporaryDirectory dir;
  chatd::store::SqliteHistoryStore store{dir.path() / "chat.db"};
  chatd::store::SqliteRecoveryStore members{dir.path() / "chat.db"};
  RecordingOutbox outbox;
  // One attempt a second, bursts of 3: these calls take far less than a second.
  const ChatConfig config{
      .history_on_join = 3, .rate_limit = 1, .rate_burst = 3, .recovery_window = std::chrono::milliseconds(0)};
  LocalRecovery recovery{config, store, members};
  ChatService chat{config, store, recovery, outbox};
  chat.connect(1);
  chat.connect(2);
  chat.on_nickname(1, NicknameRequest{"alice", 1});  // 1st attempt
  chat.on_nickname(2, NicknameRequest{"bob", 1});
  chat.on_user_message(1, UserMessageRequest{"one", 2});  // 2nd
  chat.on_user_message(1, UserMessageRequest{"two", 3});  // 3rd
  store.flush();
  outbox.take(1);
  outbox.take(2);

  chat.on_user_message(1, UserMessageRequest{"three", 4});
  chat.on_user_message(1, UserMessageRequest{"four", std::nullopt});
  chat.on_nickname(1, NicknameRequest{"alicia", 5});
  store.flush();
  CHECK(outbox.take(1) ==
        Inbox{R"(34[{"error":"rate limit: at most 1 message per second"}])",
              R"(2["chat error",{"event":"user message","reason":"rate limit: at most 1 message per second"}])",
              R"(35[true,"rate limit: at most 1 message per second"])"});
  CHECK(outbox.take(2).empty());  // nothing refused reached bob

  // Bob's own bucket is untouched.
  chat.on_user_message(2, UserMessageRequest{"bob talks", 2});
  store.flush();
  const auto to_alice = outbox.take(1);
  REQUIRE(to_alice.size() == 1);
  CHECK(payload(to_alice[0])[2] == "bob talks");
}

TEST_CASE("History is replayed on join, oldest first, marked as history") {
  ChatFixture f;
  f.join(1, "alice");
  for (const char* text : {"one", "two", "three", "four"}) f.say(1, text);
  f.join(2, "bob");
  const auto inbox = f.outbox.take(2);
  REQUIRE(inbox.size() == 5);  // ack, 3 history messages (history_on_join = 3), nicknames
  CHECK(inbox[0] == "31[false]");
  for (int i = 0; i < 3; ++i) {
    const auto event = payload(inbox[1 + i]);
    CHECK(event[2] == std::vector<std::string>{"two", "three", "four"}[i]);
    CHECK(event[3]["history"] == true);
  }
  CHECK(payload(inbox[4])[0] == "nicknames");
}

TEST_CASE("Leaving announces it and updates the list, unnamed clients leave silently") {
  ChatFixture f;
  f.join(1, "alice");
  f.join(2, "bob");
  f.chat.connect(3);
  f.outbox.take(1);
  f.chat.disconnect(3);
  CHECK(f.outbox.take(1).empty());
  f.chat.disconnect(2);
  CHECK(f.outbox.take(1) == Inbox{R"(2["announcement","bob disconnected"])", R"(2["nicknames",{"alice":"alice"}])"});
  f.join(4, "bob");  // the name is free again
  CHECK(f.outbox.take(4).front() == "31[false]");
}
