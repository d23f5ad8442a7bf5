// --rate-limit / --rate-burst: a client that sends faster than the limit gets
// every refused attempt answered with the reason; the others do not notice.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
using nlohmann::json;
namespace events = codec::events;

namespace {

constexpr const char* kRateLimitReason = "rate limit: at most 1 message per second";

}  // namespace

TEST_CASE("a message flood beyond --rate-limit is refused message by message, other clients unaffected",
          "[limits][rate]") {
  // One attempt a second after a burst of 5: a flood of 30 is far beyond it.
  ChatdProcess server({"--rate-limit", "1", "--rate-burst", "5"});
  SocketIoTestClient alice(server.port());
  SocketIoTestClient bob(server.port());
  SocketIoTestClient carol(server.port());
  alice.join("alice");
  bob.join("bob");
  carol.join("carol");
  chat_it::settle(alice, 3);
  chat_it::settle(bob, 3);

  // Half with an ack id (a refusal comes in the ack), half without (it comes
  // as a chat error event).
  constexpr int kFlood = 30;
  std::map<std::uint64_t, int> acked;  // ack id -> message number
  for (int i = 0; i < kFlood; ++i) {
    const std::string text = "flood " + std::to_string(i);
    if (i % 2 == 0) {
      acked[alice.emit(events::kUserMessage, json::array({text}))] = i;
    } else {
      alice.emit_without_ack(events::kUserMessage, json::array({text}));
    }
  }

  // Every acked message gets its ack: stored, or refused with the reason.
  std::set<int> accepted;
  std::set<int> refused;
  int chat_errors = 0;
  const auto read_alice = [&] {
    const auto packet = alice.next_packet();
    if (packet.type == codec::sio::PacketType::Ack) {
      const auto number = acked.at(packet.ack_id.value());
      const auto ack = events::decode_user_message_ack(packet);
      REQUIRE(ack);
      if (ack->meta) {
        accepted.insert(number);
      } else {
        CHECK(ack->error == kRateLimitReason);
        refused.insert(number);
      }
    } else if (packet.type == codec::sio::PacketType::Event && packet.data.front() == events::kChatError) {
      const auto error = chat_it::event_as<events::ChatError>(packet);
      CHECK(error.event == events::kUserMessage);
      CHECK(error.reason == kRateLimitReason);
      ++chat_errors;
    }
  };
  while (accepted.size() + refused.size() < acked.size()) read_alice();

  // Carol, unthrottled, marks the end of the flood for bob.
  carol.say("carol is not throttled");
  std::vector<int> delivered;
  for (;;) {
    const auto message = chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage));
    if (message.from == "carol") break;
    CHECK(message.from == "alice");
    delivered.push_back(std::stoi(message.text.substr(std::string("flood ").size())));
  }
  // Bob got the accepted messages in order and none of the refused ones.
  CHECK(std::is_sorted(delivered.begin(), delivered.end()));
  const std::set<int> delivered_set(delivered.begin(), delivered.end());
  for (int number : accepted) CHECK(delivered_set.count(number) == 1);
  for (int number : refused) CHECK(delivered_set.count(number) == 0);
  const auto delivered_unacked =
      std::count_if(delivered.begin(), delivered.end(), [](int number) { return number % 2 == 1; });

  // Each message without an ack id was delivered or refused with a chat error.
  const auto expected_errors = kFlood / 2 - static_cast<int>(delivered_unacked);
  while (chat_errors < expected_errors) read_alice();
  CHECK(chat_errors == expected_errors);

  // The flood went beyond the limit, and nothing was dropped silently.
  CHECK(refused.size() + static_cast<std::size_t>(chat_errors) >= 1);
  CHECK(accepted.size() + refused.size() == kFlood / 2);
  CHECK(!alice.closed());

  // Bob and carol talk as usual.
  bob.say("bob is not throttled either");
  const auto to_carol = chat_it::event_as<events::UserMessage>(carol.wait_for_event(events::kUserMessage));
  CHECK(to_carol.text == "bob is not throttled either");
  REQUIRE(chat_it::stop_server(server, {&alice, &bob, &carol}) == 0);
}

TEST_CASE("nickname attempts count towards --rate-limit", "[limits][rate]") {
  ChatdProcess server({"--rate-limit", "1", "--rate-burst", "3"});
  SocketIoTestClient guesser(server.port());
  guesser.connect();
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(guesser.emit(events::kNickname, json::array({""})));
  int limited = 0;
  for (const auto id : ids) {
    const auto ack = events::decode_nickname_ack(guesser.wait_for_ack(id));
    REQUIRE(ack);
    CHECK(ack->refused);
    if (ack->reason == kRateLimitReason) {
      ++limited;
    } else {
      CHECK(ack->reason == "Nickname is empty");
    }
  }
  CHECK(limited >= 1);
  CHECK_FALSE(guesser.closed());

  // Others can still join at once.
  SocketIoTestClient alice(server.port());
  alice.join("alice");
  REQUIRE(chat_it::stop_server(server, {&guesser, &alice}) == 0);
}

TEST_CASE("a rate limit of 0 (--rate-limit 0) lifts the limit", "[limits][rate]") {
  ChatdProcess server({"--rate-limit", "0", "--rate-burst", "1"});
  SocketIoTestClient alice(server.port());
  SocketIoTestClient bob(server.port());
  alice.join("alice");
  bob.join("bob");
  chat_it::settle(alice, 2);
  for (int i = 0; i < 50; ++i) alice.say("message " + std::to_string(i));  // throws on a refusal
  for (int i = 0; i < 50; ++i) {
    CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text ==
          "message " + std::to_string(i));
  }
  REQUIRE(chat_it::stop_server(server, {&alice, &bob}) == 0);
}
