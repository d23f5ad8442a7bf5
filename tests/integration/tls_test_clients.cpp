#include "tls_test_clients.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <functional>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace chat_it {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// Trusts exactly the test's certificate, for the address 127.0.0.1.
ssl::context client_context(const std::string& trusted_pem) {
  ssl::context context(ssl::context::tls_client);
  context.add_certificate_authority(net::buffer(trusted_pem));
  context.set_verify_mode(ssl::verify_peer);
  return context;
}

void expect_loopback_certificate(SSL* ssl) {
  if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1") != 1) {
    throw std::runtime_error("cannot set the expected certificate address");
  }
}

// Runs `io` until `done` holds or `timeout` passes; on timeout, `abort`
// closes the socket (completing what is pending) and this throws.
void run_until_done(net::io_context& io, const bool& done, std::chrono::milliseconds timeout, const char* what,
                    const std::function<void()>& abort) {
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    if (io.run_one_until(deadline) == 0 && io.stopped()) break;
  }
  if (done) return;
  abort();
  io.restart();
  io.run_for(std::chrono::seconds(1));
  throw std::runtime_error(std::string("timed out: ") + what);
}

}  // namespace

// ---- HTTPS -------------------------------------------------------------------

HttpTestClient::Response HttpsTestClient::get(const std::string& target, std::chrono::milliseconds timeout) const {
  return send("GET", target, nullptr, timeout);
}

HttpTestClient::Response HttpsTestClient::post(const std::string& target, const std::string& body,
                                               std::chrono::milliseconds timeout) const {
  return send("POST", target, &body, timeout);
}

HttpTestClient::Response HttpsTestClient::send(const std::string& method, const std::string& target,
                                               const std::string* body, std::chrono::milliseconds timeout) const {
  net::io_context io;
  auto context = client_context(trusted_pem_);
  beast::ssl_stream<beast::tcp_stream> stream(io, context);
  expect_loopback_certificate(stream.native_handle());
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  request.set(http::field::user_agent, "chatd-integration-tests");
  if (body) {
    request.set(http::field::content_type, "text/plain;charset=UTF-8");
    request.body() = *body;
    request.prepare_payload();
  }
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code failure;
  const char* step = "connect";
  bool done = false;
  const auto fail = [&](beast::error_code error) {
    failure = error;
    done = true;
  };
  beast::get_lowest_layer(stream).async_connect(
      tcp::endpoint(net::ip::address_v4::loopback(), port_), [&](beast::error_code error) {
        if (error) return fail(error);
        step = "TLS handshake";
        stream.async_handshake(ssl::stream_base::client, [&](beast::error_code handshake_error) {
          if (handshake_error) return fail(handshake_error);
          step = "write";
          http::async_write(stream, request, [&](beast::error_code write_error, std::size_t) {
            if (write_error) return fail(write_error);
            step = "read";
            http::async_read(stream, buffer, response, [&](beast::error_code read_error, std::size_t) {
              if (read_error) return fail(read_error);
              step = "done";
              done = true;
            });
          });
        });
      });
  run_until_done(io, done, timeout, "HTTPS request", [&] { beast::get_lowest_layer(stream).close(); });
  if (failure) {
    throw std::runtime_error("HTTPS " + method + " " + target + " failed at " + step + ": " + failure.message());
  }
  beast::get_lowest_layer(stream).close();  // no TLS close_notify: the test is done with it
  return to_test_response(response);
}

// ---- WSS Socket.IO -----------------------------------------------------------

struct WssSocketIoTestClient::Impl {
  Impl(std::uint16_t p, const std::string& pem) : port(p), context(client_context(pem)), ws(io, context) {
    expect_loopback_certificate(ws.next_layer().native_handle());
  }

  void wait(const bool& done, Duration timeout, const char* what) {
    run_until_done(io, done, timeout, what, [this] { beast::get_lowest_layer(ws).close(); });
  }

  std::uint16_t port;
  net::io_context io;
  ssl::context context;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
};

WssSocketIoTestClient::WssSocketIoTestClient(std::uint16_t port, const std::string& trusted_pem)
    : impl_(std::make_unique<Impl>(port, trusted_pem)) {}

WssSocketIoTestClient::~WssSocketIoTestClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(impl_->ws).socket().close(ignored);
}

std::string WssSocketIoTestClient::connect(Duration timeout) {
  auto& ws = impl_->ws;
  bool done = false;
  beast::error_code failure;
  const char* step = "connect";
  const auto fail = [&](beast::error_code error) {
    failure = error;
    done = true;
  };
  beast::get_lowest_layer(ws).async_connect(
      tcp::endpoint(net::ip::address_v4::loopback(), impl_->port), [&](beast::error_code error) {
        if (error) return fail(error);
        step = "TLS handshake";
        ws.next_layer().async_handshake(ssl::stream_base::client, [&](beast::error_code handshake_error) {
          if (handshake_error) return fail(handshake_error);
          step = "WebSocket upgrade";
          ws.async_handshake("127.0.0.1:" + std::to_string(impl_->port), "/socket.io/?EIO=4&transport=websocket",
                             [&](beast::error_code upgrade_error) { fail(upgrade_error); });
        });
      });
  impl_->wait(done, timeout, "WSS connect");
  if (failure) throw std::runtime_error(std::string("WSS connect failed at ") + step + ": " + failure.message());

  std::string open = next_frame(timeout);
  if (open.rfind("0{", 0) != 0) throw std::runtime_error("expected the Engine.IO open packet, got '" + open + "'");
  send_text("40", timeout);
  const std::string connected = next_frame(timeout);
  if (connected.rfind("40{", 0) != 0) throw std::runtime_error("expected the CONNECT answer, got '" + connected + "'");
  return open;
}

void WssSocketIoTestClient::send_text(std::string_view frame, Duration timeout) {
  bool done = false;
  beast::error_code failure;
  impl_->ws.text(true);
  impl_->ws.async_write(net::buffer(frame), [&](beast::error_code error, std::size_t) {
    failure = error;
    done = true;
  });
  impl_->wait(done, timeout, "WSS write");
  if (failure) throw std::runtime_error("WSS write failed: " + failure.message());
}

std::string WssSocketIoTestClient::next_frame(Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool done = false;
    beast::error_code failure;
    impl_->buffer.clear();
    impl_->ws.async_read(impl_->buffer, [&](beast::error_code error, std::size_t) {
      failure = error;
      done = true;
    });
    const auto left = std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now());
    impl_->wait(done, std::max(left, Duration(1)), "WSS read");
    if (failure) throw std::runtime_error("WSS read failed: " + failure.message());
    std::string frame = beast::buffers_to_string(impl_->buffer.data());
    if (frame == "2") {
      send_text("3", timeout);
      continue;
    }
    return frame;
  }
}

std::string WssSocketIoTestClient::frame_starting_with(std::string_view prefix, Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now());
    std::string frame = next_frame(std::max(left, Duration(1)));
    if (frame.rfind(prefix, 0) == 0) return frame;
  }
}

void WssSocketIoTestClient::close(Duration timeout) {
  bool done = false;
  beast::error_code failure;
  impl_->ws.async_close(websocket::close_code::normal, [&](beast::error_code error) {
    failure = error;
    done = true;
  });
  impl_->wait(done, timeout, "WSS close");
}

}  // namespace chat_it
