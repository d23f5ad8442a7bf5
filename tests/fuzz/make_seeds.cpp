// Writes the fuzz targets' seed corpus, made with the codec's own encoders:
// valid packets of every kind the chat exchanges, and near-valid variants
// (truncated, bad UTF-8, lone surrogates, limits +-1).
//
//   make_seeds <output dir>   -> <output dir>/<target>/<n>  (one input per file)
//
// Run by the build (tests/fuzz/CMakeLists.txt); nothing here is committed.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/chat_events.hpp"
#include "codec/connection_recovery.hpp"
#include "codec/engineio_packet.hpp"
#include "codec/socketio_packet.hpp"

namespace fs = std::filesystem;
namespace eio = codec::eio;
namespace events = codec::events;
namespace sio = codec::sio;
using nlohmann::json;

namespace {

class Corpus {
 public:
  Corpus(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }  // NOLINT
  void add(std::string_view input) {
    std::ofstream out(dir_ / std::to_string(count_++), std::ios::binary);
    out.write(input.data(), static_cast<std::streamsize>(input.size()));
    if (!out) throw std::runtime_error("cannot write " + dir_.string());
  }
  // The input, and near-valid variants of it.
  void add_with_variants(std::string_view input) {
    add(input);
    if (input.size() > 1) add(input.substr(0, input.size() - 1));  // truncated
    if (input.size() > 2) add(input.substr(0, input.size() / 2));
    std::string bad(input);
    bad.insert(bad.size() / 2, "\xC3");  // a lead byte without its continuation
    add(bad);
  }
  std::size_t size() const { return count_; }

 private:
  fs::path dir_;
  std::size_t count_ = 0;
};

const std::vector<std::string> kTexts = {
    "hello",
    "",
    "   ",
    " padded  ",
    "你好，世界",              // Chinese
    "\xF0\x9F\x98\x80 emoji",  // U+1F600, a surrogate pair in JSON/UTF-16
    "tab\there\nnewline",
    "\xE2\x80\xAE"
    "reversed",                                  // U+202E RIGHT-TO-LEFT OVERRIDE
    "zero\xE2\x80\x8Bwidth",                     // U+200B
    "\xE3\x80\x80\xC2\xA0 spaces \xE3\x80\x80",  // ideographic / no-break spaces
    "quote \" backslash \\ slash /",
    std::string(32, 'n'),
    std::string(33, 'n'),
    std::string(2000, 'm'),
    std::string(2001, 'm'),
    [] {
      std::string s;
      for (int i = 0; i < 32; ++i) s += "字";
      return s;
    }(),
    [] {
      std::string s;
      for (int i = 0; i < 33; ++i) s += "字";
      return s;
    }(),
};

// JSON text with escapes the encoder never writes: surrogates, lone or paired.
const std::vector<std::string> kJsonStrings = {
    R"("\ud83d\ude00")",  // paired surrogates: U+1F600
    R"("\ud800")",        // lone high surrogate
    R"("\udc00")",        // lone low surrogate
    R"("\ud800\u0041")",  // high surrogate followed by a non-surrogate
    R"("\u4f60\u597d")",  // 你好
    R"("\u0000")",       R"("\u202e")",
    "\"\xED\xA0\x80\"",  // a surrogate encoded directly in UTF-8 (invalid)
    "\"\xC0\xAF\"",      // overlong '/'
};

std::string sio_text(const sio::Packet& packet) { return sio::encode(packet); }

std::vector<std::string> socketio_packets() {
  std::vector<std::string> out;
  const auto add = [&](const sio::Packet& p) { out.push_back(sio_text(p)); };
  add(sio::encode_connect());
  add(sio::Packet{sio::PacketType::Connect, "/", std::nullopt, json{{"token", "abc"}}, 0});
  add(sio::Packet{sio::PacketType::Connect, "/admin", std::nullopt, nullptr, 0});
  add(sio::encode_connect(sio::ResumeAuth{"u8H2bG1pYWNWRA", "1a2b3c-17-4"}));
  add(sio::encode_connect_answer("/", {"oSO0OpakMV_3jnilAAAA", std::nullopt}));
  add(sio::encode_connect_answer("/", {"oSO0OpakMV_3jnilAAAA", "u8H2bG1pYWNWRA"}));
  add(sio::Packet{sio::PacketType::Disconnect, "/", std::nullopt, nullptr, 0});
  add(sio::Packet{sio::PacketType::Disconnect, "/admin", std::nullopt, nullptr, 0});
  add(sio::encode_connect_error("/", "Invalid namespace"));
  add(sio::Packet{sio::PacketType::ConnectError, "/", std::nullopt, "old style", 0});
  add(sio::make_event("hello", json::array({1, "two", json{{"three", 3.5}}, nullptr, true})));
  add(sio::make_event("hello", json::array(), 12));
  add(sio::make_event("hello", json::array({"x"}), sio::kMaxAckId));
  add(sio::Packet{sio::PacketType::Event, "/chat", 7, json::array({"hello", "x"}), 0});
  add(sio::make_ack(0, json::array()));
  add(sio::make_ack(42, json::array({false})));
  // Binary packets with placeholders.
  const json placeholder = {{"_placeholder", true}, {"num", 0}};
  add(sio::Packet{sio::PacketType::BinaryEvent, "/", std::nullopt, json::array({"upload", placeholder}), 1});
  add(sio::Packet{sio::PacketType::BinaryEvent, "/", 3,
                  json::array({"upload", placeholder, json{{"_placeholder", true}, {"num", 1}}}), 2});
  add(sio::Packet{sio::PacketType::BinaryAck, "/chat", 5, json::array({placeholder}), 1});
  add(sio::Packet{sio::PacketType::BinaryEvent, "/", std::nullopt, json::array({"many"}), 10});
  // Near the limits, and beyond them (written by hand: the encoder does not refuse).
  out.push_back("511-[\"too many\"]");                                  // 11 attachments
  out.push_back("2" + std::to_string(sio::kMaxAckId + 1) + "[\"x\"]");  // ack id 2^53
  out.push_back("218446744073709551616[\"x\"]");                        // > 2^64
  out.push_back("0/" + std::string(255, 'n') + ",");                    // namespace of 256
  out.push_back("0/" + std::string(256, 'n') + ",");                    // namespace of 257
  out.push_back("2/chat,[\"x\"");                                       // truncated JSON
  out.push_back("2[\"x\",1e400]");                                      // number overflow
  out.push_back("2" + std::string(200, '[') + std::string(200, ']'));   // deep nesting
  out.push_back("3[]");                                                 // ACK without an id
  out.push_back("17");                                                  // DISCONNECT with an id
  out.push_back("7");
  out.push_back("5-[\"x\"]");
  for (const auto& s : kJsonStrings) out.push_back("2[" + s + "]");
  return out;
}

std::vector<std::string> client_events() {
  std::vector<std::string> out;
  for (const auto& text : kTexts) {
    out.push_back(sio_text(events::encode(events::NicknameRequest{text, 1})));
    out.push_back(sio_text(events::encode(events::NicknameRequest{text, std::nullopt})));
    out.push_back(sio_text(events::encode(events::UserMessageRequest{text, 2})));
    out.push_back(sio_text(events::encode(events::UserMessageRequest{text, std::nullopt})));
  }
  for (const auto& s : kJsonStrings) {
    out.push_back("20[\"nickname\"," + s + "]");
    out.push_back("21[\"user message\"," + s + "]");
  }
  out.push_back("2[\"nickname\"]");
  out.push_back("2[\"nickname\",42]");
  out.push_back("2[\"user message\",{\"text\":\"x\"}]");
  out.push_back("2[\"user message\",\"a\",\"b\"]");
  // Messages with an idempotency key, and every kind of bad options argument.
  for (const char* key : {"k", "p7f3a9c2e-1", "with space", "", "clé"}) {
    out.push_back(sio_text(events::encode(events::UserMessageRequest{"keyed", 4, key})));
  }
  out.push_back(sio_text(events::encode(events::UserMessageRequest{"keyed", 4, std::string(65, 'k')})));
  for (const char* options :
       {",{}", ",null", ",[]", ",{\"key\":5}", ",{\"key\":\"k\",\"x\":1}", ",{\"key\":\"k\"},{}"}) {
    out.push_back(std::string("25[\"user message\",\"a\"") + options + "]");
  }
  out.push_back("2[\"unknown\",\"x\"]");
  // History requests: the newest page, pages before an id, and every kind of bad argument.
  for (const std::optional<std::int64_t> before : {std::optional<std::int64_t>{}, std::optional<std::int64_t>{1},
                                                   std::optional<std::int64_t>{250}, std::optional{INT64_MAX}}) {
    out.push_back(sio_text(events::encode(events::HistoryRequest{before, 3})));
    out.push_back(sio_text(events::encode(events::HistoryRequest{before, std::nullopt})));
  }
  for (const char* argument : {"", ",5", ",null", ",[]", ",{},{}", ",{\"before\":0}", ",{\"before\":-1}",
                               ",{\"before\":1.5}", ",{\"before\":\"5\"}", ",{\"before\":9223372036854775808}",
                               ",{\"before\":5,\"limit\":1000}", ",{\"after\":5}"}) {
    out.push_back(std::string("24[\"history\"") + argument + "]");
  }
  // CONNECT, and the auth of a client asking to resume: what the server's
  // Socket.IO layer hands ChatNamespace.
  out.push_back(sio_text(sio::encode_connect()));
  for (const auto& text : kTexts) {
    out.push_back(sio_text(sio::encode_connect(sio::ResumeAuth{"u8H2bG1pYWNWRA", text})));
    out.push_back(sio_text(sio::encode_connect(sio::ResumeAuth{text, "1a2b3c-17-4"})));
  }
  out.push_back("0{\"pid\":\"p\"}");
  out.push_back("0{\"offset\":\"1-2-3\"}");
  out.push_back("0{\"pid\":1,\"offset\":\"1-2-3\"}");
  out.push_back("0{\"pid\":\"p\",\"offset\":[\"1-2-3\"]}");
  out.push_back("0{\"token\":\"abc\"}");
  out.push_back("0/admin,{\"pid\":\"p\",\"offset\":\"1-2-3\"}");
  out.push_back("51-[\"user message\",{\"_placeholder\":true,\"num\":0}]");
  out.push_back("2/other,3[\"nickname\",\"x\"]");
  return out;
}

std::vector<std::string> server_frames() {
  std::vector<std::string> out;
  const auto message = [&](const sio::Packet& p) {
    out.push_back(eio::encode_text_frame(eio::PacketType::Message, sio_text(p)));
  };
  out.push_back(eio::encode_open(eio::Handshake{"oSO0OpakMV_3jnilAAAA", 25000, 20000, 1'000'000, true}));
  out.push_back(eio::encode_open(eio::Handshake{"x", 1, 0, 0, false}));
  out.push_back("0{\"sid\":\"a\",\"pingInterval\":4294967296,\"pingTimeout\":-1,\"maxPayload\":1.5}");
  out.push_back("0{\"sid\":\"a\",\"upgrades\":[\"polling\",\"websocket\",3],\"pingInterval\":1,\"pingTimeout\":2}");
  out.push_back(eio::encode_text_frame(eio::PacketType::Ping));
  out.push_back(eio::encode_text_frame(eio::PacketType::Ping, "probe"));
  out.push_back(eio::encode_text_frame(eio::PacketType::Close));
  message(sio::encode_connect_answer("/", {"abc", std::nullopt}));
  message(sio::encode_connect_answer("/", {"abc", "u8H2bG1pYWNWRA"}));
  message(sio::Packet{sio::PacketType::Connect, "/", std::nullopt, nullptr, 0});  // Socket.IO v4 servers
  message(sio::encode_connect_error("/", "Invalid namespace"));
  message(sio::encode_connect_error("/admin", "invalid packet: payload is not valid JSON"));
  message(sio::Packet{sio::PacketType::ConnectError, "/", std::nullopt, "refused", 0});
  message(sio::Packet{sio::PacketType::ConnectError, "/", std::nullopt, json{{"message", 42}}, 0});
  // Broadcasts with connection state recovery: the offset as the last argument.
  const auto tagged = [&](std::string encoded, std::string_view offset) {
    sio::append_offset(encoded, offset);
    out.push_back(eio::encode_text_frame(eio::PacketType::Message, encoded));
  };
  for (const auto& text : kTexts) {
    message(events::encode(events::Announcement{text + " connected"}));
    message(events::encode(events::UserMessage{"alice", text, {17, 1700000000000, false}}));
    message(events::encode(events::ChatError{"user message", text}));
    tagged(events::encode_text(events::Announcement{text + " connected"}), "1a2b3c-17-4");
    tagged(events::encode_text(events::UserMessage{"alice", "hi", {17, 1700000000000, false}}), text);
  }
  tagged(events::encode_text(events::Nicknames{{"alice", "bob"}}), "1a2b3c-17-4");
  message(events::encode(events::UserMessage{"bob", "old", {1, 1600000000000, true}}));
  message(events::encode(events::UserMessage{"bob", "min", {INT64_MIN, INT64_MAX, true}}));
  message(events::encode(events::Nicknames{{"alice", "bob", "张伟"}}));
  message(events::encode(events::Nicknames{}));
  message(events::encode_ack(1, events::NicknameAck{false, ""}));
  message(events::encode_ack(1, events::NicknameAck{true, "Nickname is already taken"}));
  message(events::encode_ack(2, events::UserMessageAck{events::MessageMeta{5, 1700000000000, false}, ""}));
  message(events::encode_ack(3, events::UserMessageAck{std::nullopt, "Message is empty"}));
  out.push_back("42[\"user message\",\"a\",\"b\",{\"id\":18446744073709551615,\"ts\":-1,\"history\":1}]");
  out.push_back("43[{\"id\":1}]");
  out.push_back("43[{\"error\":7,\"id\":1,\"ts\":2}]");
  out.push_back("42[\"nicknames\",[\"alice\"]]");
  // History pages and refusals.
  const auto history_ack = [&](std::uint64_t ack_id, const events::HistoryAck& ack) {
    out.push_back(eio::encode_text_frame(eio::PacketType::Message, events::encode_ack_text(ack_id, ack)));
  };
  events::HistoryPage page{{}, true};
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    page.messages.push_back({"alice", kTexts[i], static_cast<std::int64_t>(100 + i), 1700000000000});
  }
  history_ack(4, events::HistoryAck{page, {}});
  history_ack(5, events::HistoryAck{events::HistoryPage{{{"bob", "last", 1, 1600000000000}}, false}, {}});
  history_ack(6, events::HistoryAck{events::HistoryPage{}, {}});
  history_ack(7, events::HistoryAck{std::nullopt, "before must be a positive integer"});
  out.push_back("43[{\"messages\":[{\"from\":\"a\",\"id\":1,\"ts\":2}],\"more\":false}]");
  out.push_back("43[{\"messages\":[{\"from\":\"a\",\"text\":\"b\",\"id\":18446744073709551615,\"ts\":2}],\"more\":1}]");
  out.push_back("43[{\"messages\":{},\"more\":true,\"error\":null}]");
  for (const auto& s : kJsonStrings) out.push_back("42[\"announcement\"," + s + "]");
  return out;
}

std::vector<std::string> engineio_inputs(const std::vector<std::string>& socketio) {
  std::vector<std::string> out;
  for (char type = '0'; type <= '6'; ++type) {
    out.push_back(eio::encode_text_frame(static_cast<eio::PacketType>(type)));
  }
  out.push_back(eio::encode_text_frame(eio::PacketType::Ping, "probe"));
  out.push_back(eio::encode_text_frame(eio::PacketType::Pong, "probe"));
  std::vector<std::string> frames;
  for (std::size_t i = 0; i < socketio.size() && i < 12; ++i) {
    frames.push_back(eio::encode_text_frame(eio::PacketType::Message, socketio[i]));
  }
  for (const auto& frame : frames) out.push_back(frame);
  // Long-polling bodies: several packets separated by 0x1E, binary ones as base64.
  out.push_back(eio::encode_payload({frames[0], frames[1], frames[2]}));
  out.push_back(eio::encode_payload({"2", "3", "6", frames[8]}));
  out.push_back(eio::encode_payload({frames[8], "bAQIDBA==", "bAA", "b"}));
  out.push_back(eio::encode_payload({"4hello", ""}));   // trailing separator
  out.push_back(eio::encode_payload({"bA", "4x"}));     // base64 of length 1 mod 4
  out.push_back(eio::encode_payload({"b=A==", "4x"}));  // '=' inside
  out.push_back("4\xE4\xBD\xA0\xE5\xA5\xBD");           // 4你好
  out.push_back("4\xED\xA0\x80");                       // UTF-8-encoded surrogate
  out.push_back("4\xF4\x90\x80\x80");                   // beyond U+10FFFF
  out.push_back("9");
  return out;
}

std::vector<std::string> utf8_inputs() {
  std::vector<std::string> out(kTexts.begin(), kTexts.end());
  out.push_back("\xC0\x80");          // overlong NUL
  out.push_back("\xE0\x80\xAF");      // overlong '/'
  out.push_back("\xED\xA0\x80");      // U+D800
  out.push_back("\xED\xBF\xBF");      // U+DFFF
  out.push_back("\xEF\xBF\xBF");      // U+FFFF
  out.push_back("\xF4\x8F\xBF\xBF");  // U+10FFFF
  out.push_back("\xF4\x90\x80\x80");  // U+110000
  out.push_back("\xF8\x88\x80\x80\x80");
  out.push_back("\xFE\xFF");
  out.push_back("a\xE4\xBD");                     // truncated 你
  out.push_back(" \xE3\x80\x80 x \xEF\xBB\xBF");  // ideographic space, BOM
  out.push_back("\xC2\x85\xC2\xA0\xE1\x9A\x80\xE2\x80\x8A\xE2\x80\xA8\xE2\x80\xAF\xE2\x81\x9F");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds <output dir>\n";
    return 2;
  }
  const fs::path root = argv[1];
  const auto socketio = socketio_packets();
  const auto write = [&](const char* target, const std::vector<std::string>& inputs) {
    fs::remove_all(root / target);
    Corpus corpus(root / target);
    for (const auto& input : inputs) corpus.add_with_variants(input);
    std::cout << "make_seeds: " << corpus.size() << " inputs for " << target << "\n";
  };
  write("fuzz_engineio", engineio_inputs(socketio));
  write("fuzz_socketio", socketio);
  write("fuzz_client_events", client_events());
  write("fuzz_server_events", server_frames());
  write("fuzz_utf8_rules", utf8_inputs());
  return 0;
}
