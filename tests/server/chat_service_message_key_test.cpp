// A message's idempotency key in the chat service: a member that sends a
// message again with a key it already used (its client did not hear the ack
// before the connection dropped) gets the first copy's ack, and the room sees
// the message once; across a resumed connection and across a restart.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat_run.hpp"
#include "temporary_directory.hpp"

using chatd::chat::ChatConfig;
using chatd::chat::ClientId;
using chatd::chat::ResumeRequest;
using codec::events::NicknameRequest;
using codec::events::UserMessageRequest;
using nlohmann::json;

namespace {

// The chat service with replay of 10 and no rate limit, recovering within `window`.
ChatConfig config_with(std::chrono::milliseconds window) {
  return ChatConfig{.history_on_join = 10, .rate_limit = 0, .recovery_window = window};
}

// The texts of the user messages among `events`.
std::vector<std::string> texts(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& event : events) {
    if (event.is_array() && event.size() >= 3 && event[0] == "user message") out.push_back(event[2]);
  }
  return out;
}

// The message id in the ack among `events` (the one whose first argument has an id).
std::int64_t acked_id(const std::vector<json>& events) {
  for (const auto& event : events) {
    if (event.is_array() && event.size() == 1 && event[0].is_object() && event[0].contains("id")) {
      return event[0]["id"].get<std::int64_t>();
    }
  }
  FAIL("no ack with an id");
  return 0;
}

using Texts = std::vector<std::string>;
constexpr auto kWindow = std::chrono::milliseconds(120'000);

}  // namespace

TEST_CASE("Message key: resent after a resume, the message is acked with its first id and broadcast once") {
  TemporaryDirectory dir;
  ChatRun run(dir.path() / "chat.db", config_with(kWindow));
  auto alice = join(run, 1, "alice");
  auto bob = join(run, 2, "bob");
  receive(run, 1, alice);

  // Sent, stored and broadcast, but the connection drops before the ack
  // reaches her: it went to the old connection.
  run.chat.on_user_message(1, UserMessageRequest{"hello", 5, "page-1"});
  run.store.flush();
  const auto first = receive(run, 1, alice);
  const auto first_id = acked_id(first);
  run.chat.disconnect(1);

  REQUIRE(run.chat.connect(3, ResumeRequest{alice.recovery_token, alice.offset}, [](const auto&) {}));
  receive(run, 3, alice);
  run.chat.on_user_message(3, UserMessageRequest{"hello", 2, "page-1"});
  run.store.flush();
  const auto again = receive(run, 3, alice);
  REQUIRE(again.size() == 1);
  CHECK(again[0] == json{{{"id", first_id}, {"ts", first[0][0]["ts"]}}});
  CHECK(texts(receive(run, 2, bob)) == Texts{"hello"});
  CHECK(run.store.recent(10).size() == 1);

  // A new key is a new message.
  run.chat.on_user_message(3, UserMessageRequest{"hello", 3, "page-2"});
  run.store.flush();
  CHECK(acked_id(receive(run, 3, alice)) > first_id);
  CHECK(texts(receive(run, 2, bob)) == Texts{"hello"});
}

TEST_CASE("Message key: a repeat that comes before the first copy is committed is told about it") {
  TemporaryDirectory dir;
  ChatRun run(dir.path() / "chat.db", config_with(kWindow));
  auto alice = join(run, 1, "alice");
  auto bob = join(run, 2, "bob");
  receive(run, 1, alice);
  // Both in the writer's queue at once (no flush between them).
  run.chat.on_user_message(1, UserMessageRequest{"once", 5, "k"});
  run.chat.on_user_message(1, UserMessageRequest{"once", 6, "k"});
  run.store.flush();
  const auto acks = receive(run, 1, alice);
  REQUIRE(acks.size() == 2);
  CHECK(acks[0] == acks[1]);
  CHECK(texts(receive(run, 2, bob)) == Texts{"once"});
}

TEST_CASE("Message key: across a restart of chatd") {
  TemporaryDirectory dir;
  ResumableClient alice;
  std::int64_t first_id = 0;
  {
    ChatRun first(dir.path() / "chat.db", config_with(kWindow));
    alice = join(first, 1, "alice");
    join(first, 2, "bob");
    receive(first, 1, alice);
    first.chat.on_user_message(1, UserMessageRequest{"before the crash", 4, "k-1"});
    first.store.flush();
    first_id = acked_id(receive(first, 1, alice));  // the ack that never left the machine
  }
  ChatRun second(dir.path() / "chat.db", config_with(kWindow));
  auto carol = join(second, 5, "carol");
  REQUIRE(second.chat.connect(6, ResumeRequest{alice.recovery_token, alice.offset}, [](const auto&) {}));
  receive(second, 6, alice);
  receive(second, 5, carol);
  second.chat.on_user_message(6, UserMessageRequest{"before the crash", 2, "k-1"});
  second.store.flush();
  CHECK(acked_id(receive(second, 6, alice)) == first_id);
  CHECK(texts(receive(second, 5, carol)).empty());
  CHECK(second.store.recent(10).size() == 1);
}

TEST_CASE("Message key: scoped to its author, so that another member's key never hides a message") {
  TemporaryDirectory dir;
  ChatRun run(dir.path() / "chat.db", config_with(kWindow));
  auto alice = join(run, 1, "alice");
  auto bob = join(run, 2, "bob");
  receive(run, 1, alice);
  run.chat.on_user_message(1, UserMessageRequest{"from alice", 5, "1"});
  run.chat.on_user_message(2, UserMessageRequest{"from bob", 5, "1"});
  run.store.flush();
  CHECK(texts(receive(run, 1, alice)) == Texts{"from bob"});
  CHECK(texts(receive(run, 2, bob)) == Texts{"from alice"});
  CHECK(run.store.recent(10).size() == 2);
}

TEST_CASE("Message key: a key that breaks the rule is refused with the reason") {
  TemporaryDirectory dir;
  ChatRun run(dir.path() / "chat.db", config_with(kWindow));
  auto alice = join(run, 1, "alice");
  for (const std::string& key : {std::string(), std::string(65, 'k'), std::string("two words")}) {
    run.chat.on_user_message(1, UserMessageRequest{"hi", 7, key});
    run.store.flush();
    CHECK(run.outbox.take(1) ==
          std::vector<std::string>{"37[{\"error\":\"Message key must be 1 to 64 visible ASCII characters\"}]"});
  }
  CHECK(run.store.recent(10).empty());
}

TEST_CASE("Message key: without connection state recovery there is no author to scope it to, and it is not used") {
  TemporaryDirectory dir;
  ChatRun run(dir.path() / "chat.db", config_with(std::chrono::milliseconds(0)));
  auto alice = join(run, 1, "alice");
  auto bob = join(run, 2, "bob");
  run.chat.on_user_message(1, UserMessageRequest{"one", 5, "k"});
  run.chat.on_user_message(2, UserMessageRequest{"two", 5, "k"});
  run.store.flush();
  CHECK(texts(receive(run, 1, alice)) == Texts{"two"});
  CHECK(texts(receive(run, 2, bob)) == Texts{"one"});
}
