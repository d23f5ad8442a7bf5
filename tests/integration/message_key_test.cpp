// A message's idempotency key against the real chatd: a client whose
// connection dropped before it heard the ack resumes its session (connection
// state recovery) and sends the message again with the same key; chatd
// stores and broadcasts it once and acks the resend with the first copy's id.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alice_and_bob.hpp"
#include "chatd_process.hpp"
#include "codec/connection_recovery.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::SocketIoTestClient;
using nlohmann::json;
namespace events = codec::events;

namespace {

// The offset of the last broadcast `client` received, as socket.io-client keeps it.
std::string last_offset(const SocketIoTestClient& client) {
  std::string offset;
  for (const auto& frame : client.received()) {
    if (!chat_it::is_event_frame(frame, events::kUserMessage) &&
        !chat_it::is_event_frame(frame, events::kAnnouncement) && !chat_it::is_event_frame(frame, events::kNicknames)) {
      continue;
    }
    if (auto found = codec::sio::trailing_offset(SocketIoTestClient::decode_message(frame))) offset = *found;
  }
  return offset;
}

// A new connection that asks to resume the member of `pid`: open, then
// CONNECT with {pid, offset}. Returns the pid in the answer.
std::string resume(SocketIoTestClient& client, const std::string& pid, const std::string& offset) {
  client.open_websocket();
  const auto open = client.next_frame();
  REQUIRE(open.rfind("0{", 0) == 0);
  std::string connect = "40";
  connect += json{{"pid", pid}, {"offset", offset}}.dump();
  client.send_text(connect);
  const auto answer = client.next_packet();
  REQUIRE(answer.type == codec::sio::PacketType::Connect);
  return answer.data.value("pid", "");
}

// "43<id>" followed by `body`: an ack frame as chatd writes it. (Appended,
// not `"43" + std::to_string(...)`: GCC 12 at -O3 warns falsely on that.)
std::string ack_frame(std::uint64_t id, const char* body) {
  std::string frame = "43";
  frame += std::to_string(id);
  frame += body;
  return frame;
}

json user_message(const std::string& text, const std::string& key) { return json::array({text, json{{"key", key}}}); }

}  // namespace

TEST_CASE_METHOD(chat_it::AliceAndBob, "a message resent with its key after a resume is stored and broadcast once",
                 "[message][recovery]") {
  const auto connect_answer = SocketIoTestClient::decode_message(alice.connect_frame());
  const std::string pid = connect_answer.data.value("pid", "");
  REQUIRE_FALSE(pid.empty());
  const std::string offset = last_offset(alice);
  REQUIRE_FALSE(offset.empty());

  // Sent and stored; the ack is read here, but think of it as lost with the
  // connection that drops next.
  const auto first_ack_id = alice.emit(events::kUserMessage, user_message("only once", "page7-1"));
  const auto first = events::decode_user_message_ack(alice.wait_for_ack(first_ack_id));
  REQUIRE(first);
  REQUIRE(first->meta);
  CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text == "only once");
  alice.drop();

  SocketIoTestClient again(server.port());
  REQUIRE(resume(again, pid, offset) == pid);  // the same member
  const auto resent_ack_id = again.emit(events::kUserMessage, user_message("only once", "page7-1"));
  const auto resent_ack = again.wait_for_ack(resent_ack_id);
  // The same id and time as the first copy, as the protocol spells an ack.
  const auto& log = again.received();
  const auto frame = std::find_if(log.begin(), log.end(),
                                  [&](const std::string& f) { return chat_it::is_ack_frame(f, resent_ack_id); });
  REQUIRE(frame != log.end());
  CHECK(*frame == chat_it::message_ack_frame(resent_ack_id, *first->meta));
  const auto resent = events::decode_user_message_ack(resent_ack);
  REQUIRE(resent);
  REQUIRE(resent->meta);
  CHECK(resent->meta->id == first->meta->id);

  // Bob gets the next message, not the resent one a second time.
  const auto marker = again.say("marker");
  CHECK(marker.id > first->meta->id);
  const auto frames = bob.frames_until([](const std::string& f) { return chat_it::is_event_frame(f, "user message"); });
  REQUIRE_FALSE(frames.empty());
  CHECK(chat_it::event_as<events::UserMessage>(frames.back()).text == "marker");

  // And the history holds it once.
  const auto page_ack_id = again.emit(events::kHistory, json::array({json::object()}));
  const auto page = events::decode_history_ack(again.wait_for_ack(page_ack_id));
  REQUIRE(page);
  REQUIRE(page->page);
  std::vector<std::string> texts;
  for (const auto& entry : page->page->messages) texts.push_back(entry.text);
  CHECK(texts == std::vector<std::string>{"only once", "marker"});
}

TEST_CASE_METHOD(chat_it::AliceAndBob, "a message key that breaks the rule, or options of the wrong shape, are refused",
                 "[message]") {
  const auto bad_key = alice.emit(events::kUserMessage, user_message("hi", "has space"));
  CHECK(alice.next_frame() ==
        ack_frame(bad_key, R"([{"error":"Message key must be 1 to 64 visible ASCII characters"}])"));
  const auto bad_options = alice.emit(events::kUserMessage, json::array({"hi", "not an object"}));
  CHECK(alice.next_frame() == ack_frame(bad_options, R"([{"error":"message options must be an object"}])"));
  // Nothing reached bob, and the connection is still fine.
  alice.say("fine");
  CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text == "fine");
}
