// History: stored messages are replayed to a joining client, oldest first,
// limited by --history, and they survive a restart of chatd.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "temporary_directory.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
using nlohmann::json;
namespace events = codec::events;

namespace {

std::string history_frame(const std::string& from, const std::string& text, const events::MessageMeta& meta) {
  return R"(42["user message",")" + from + R"(",")" + text + R"(",{"history":true,"id":)" + std::to_string(meta.id) +
         ",\"ts\":" + std::to_string(meta.ts) + "}]";
}

// Sends the nickname with an ack id and returns every frame up to the
// nicknames list, which ends the join: [ack, replayed messages..., nicknames].
std::vector<std::string> join_frames(SocketIoTestClient& client, const std::string& nickname) {
  client.connect();
  client.emit(events::kNickname, json::array({nickname}));
  return client.frames_until([](const std::string& f) { return chat_it::is_event_frame(f, events::kNicknames); });
}

}  // namespace

TEST_CASE("history survives a restart and is replayed oldest first", "[history]") {
  TemporaryDirectory dir;
  const auto db = dir.path() / "chat.db";
  const std::vector<std::string> texts = {"first", "second", "third"};
  std::vector<events::MessageMeta> stored;

  {
    ChatdProcess server({}, db);
    SocketIoTestClient alice(server.port());
    alice.join("alice");
    for (const auto& text : texts) stored.push_back(alice.say(text));
    REQUIRE(chat_it::stop_server(server, {&alice}) == 0);
  }
  REQUIRE(stored.size() == 3);
  CHECK(stored[0].id < stored[1].id);
  CHECK(stored[1].id < stored[2].id);
  CHECK(stored[0].ts <= stored[2].ts);

  {
    ChatdProcess server({}, db);
    SocketIoTestClient bob(server.port());
    const auto frames = join_frames(bob, "bob");
    REQUIRE(frames.size() == 5);
    CHECK(frames[0] == "431[false]");
    for (std::size_t i = 0; i < texts.size(); ++i) {
      CHECK(frames[1 + i] == history_frame("alice", texts[i], stored[i]));
      const auto message = chat_it::event_as<events::UserMessage>(frames[1 + i]);
      CHECK(message.meta.history);
    }
    CHECK(frames[4] == R"(42["nicknames",{"bob":"bob"}])");

    // New messages continue the numbering, without the history flag.
    SocketIoTestClient carol(server.port());
    carol.join("carol");
    const auto fourth = bob.say("fourth");
    stored.push_back(fourth);
    CHECK(fourth.id > stored[2].id);
    const auto live_packet = carol.wait_for_event(events::kUserMessage);
    const auto live = chat_it::event_as<events::UserMessage>(live_packet);
    CHECK(live.text == "fourth");
    CHECK_FALSE(live.meta.history);
    CHECK_FALSE(live_packet.data.at(3).contains("history"));
    REQUIRE(chat_it::stop_server(server, {&bob, &carol}) == 0);
  }

  {
    ChatdProcess server({"--history", "2"}, db);
    SocketIoTestClient dave(server.port());
    const auto frames = join_frames(dave, "dave");
    REQUIRE(frames.size() == 4);
    CHECK(frames[0] == "431[false]");
    CHECK(frames[1] == history_frame("alice", "third", stored[2]));
    CHECK(frames[2] == history_frame("bob", "fourth", stored[3]));
    CHECK(frames[3] == R"(42["nicknames",{"dave":"dave"}])");
    REQUIRE(chat_it::stop_server(server, {&dave}) == 0);
  }
}

TEST_CASE("the history option limits the replay to the most recent messages", "[history]") {
  const auto limit = GENERATE(0, 2, 10);
  CAPTURE(limit);
  ChatdProcess server({"--history", std::to_string(limit)});
  SocketIoTestClient alice(server.port());
  alice.join("alice");
  std::vector<events::MessageMeta> stored;
  for (int i = 1; i <= 5; ++i) stored.push_back(alice.say("message " + std::to_string(i)));

  SocketIoTestClient bob(server.port());
  const auto frames = join_frames(bob, "bob");
  const std::size_t replayed = std::min<std::size_t>(static_cast<std::size_t>(limit), stored.size());
  REQUIRE(frames.size() == replayed + 2);
  for (std::size_t i = 0; i < replayed; ++i) {
    const std::size_t index = stored.size() - replayed + i;
    CHECK(frames[1 + i] == history_frame("alice", "message " + std::to_string(index + 1), stored[index]));
  }

  // The member already present gets no replay, only the news of bob.
  const auto alice_frames =
      alice.frames_until([](const std::string& f) { return chat_it::is_event_frame(f, events::kNicknames); });
  REQUIRE(alice_frames.size() == 2);
  CHECK(alice_frames[0] == R"(42["announcement","bob connected"])");
  REQUIRE(chat_it::stop_server(server, {&alice, &bob}) == 0);
}
