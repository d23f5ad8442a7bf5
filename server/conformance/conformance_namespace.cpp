#include "conformance/conformance_namespace.hpp"

#include <chrono>
#include <thread>

namespace chatd::conformance {

using nlohmann::json;

void ConformanceNamespace::on_connect(sio::SocketId socket, const json& auth, const Accept& accept) {
  accept(std::nullopt);
  // The suite's client registers its next listener only after handling the
  // CONNECT reply, and loses a frame that arrives in the same TCP read. Node's
  // server never coalesces them (it waits for each write's callback); give the
  // reply a moment to leave on its own. This thread serves only this client.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_.send(socket,
               codec::sio::Packet{codec::sio::PacketType::Event, name_, std::nullopt, json::array({"auth", auth}), 0});
}

void ConformanceNamespace::on_event(sio::SocketId socket, const codec::sio::Packet& event,
                                    std::vector<std::string> attachments) {
  const auto& name = event.data.front().get_ref<const std::string&>();
  const bool binary = !attachments.empty();
  if (name == "message") {
    json args = event.data;
    args[0] = "message-back";
    server_.send(socket,
                 codec::sio::Packet{binary ? codec::sio::PacketType::BinaryEvent : codec::sio::PacketType::Event, name_,
                                    std::nullopt, std::move(args), attachments.size()},
                 attachments);
  } else if (name == "message-with-ack" && event.ack_id) {
    json args(event.data.begin() + 1, event.data.end());
    server_.send(socket,
                 codec::sio::Packet{binary ? codec::sio::PacketType::BinaryAck : codec::sio::PacketType::Ack, name_,
                                    event.ack_id, std::move(args), attachments.size()},
                 attachments);
  }
}

}  // namespace chatd::conformance
