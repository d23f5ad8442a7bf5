// The browser client's entry point: GLFW + WebGL2 (else WebGL1) + Dear ImGui, one frame
// per requestAnimationFrame. Owns the objects and wires them together; the
// chat logic lives in chat_client_core, the drawing in ChatView.

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include "browser_input.hpp"
#include "chat_client/chat_client.hpp"
#include "chat_client/chat_model.hpp"
#include "chat_client/chat_state_json.hpp"
#include "chat_client/server_url.hpp"
#include "chat_view.hpp"
#include "font_atlas.hpp"
#include "web_socket_transport.hpp"

// Strings from the page's location (malloc'd UTF-8, freed by the caller).
// clang-format off
EM_JS(char*, chat_page_location_part, (int which), {
  var value = which === 0 ? location.protocol : location.host;
  var size = lengthBytesUTF8(value) + 1;
  var pointer = _malloc(size);
  stringToUTF8(value, pointer, size);
  return pointer;
});
// clang-format on

// Hides the page's "Loading…" note once the first frame is on screen.
// clang-format off
EM_JS(void, chat_page_ready, (), {
  if (window.chatPage) window.chatPage.ready();
});
// clang-format on

// Tells the page that the client cannot run (kind "webgl": no WebGL context);
// app.js then shows why, with the way out.
// clang-format off
EM_JS(void, chat_page_fail, (const char* kind), {
  if (window.chatPage && window.chatPage.fail) window.chatPage.fail(UTF8ToString(kind));
});
// clang-format on

namespace {

constexpr const char* kCanvas = "#canvas";
constexpr const char* kFontPath = "/fonts/wqy-microhei.ttc";

std::string page_location_part(int which) {
  char* raw = chat_page_location_part(which);
  std::string value = raw != nullptr ? raw : "";
  std::free(raw);
  return value;
}

std::int64_t now_ms() { return static_cast<std::int64_t>(emscripten_date_now()); }

double random01() { return static_cast<double>(std::rand()) / (static_cast<double>(RAND_MAX) + 1.0); }

void apply_style(float scale) {
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 6.0f;
  style.ChildRounding = 4.0f;
  style.FrameRounding = 4.0f;
  style.WindowPadding = ImVec2(10.0f, 10.0f);
  style.FramePadding = ImVec2(8.0f, 5.0f);
  style.ItemSpacing = ImVec2(8.0f, 4.0f);
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0.10f, 0.11f, 0.13f, 1.0f);
  style.Colors[ImGuiCol_ChildBg] = ImVec4(0.08f, 0.09f, 0.10f, 1.0f);
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

struct App {
  GLFWwindow* window = nullptr;
  chat_web::WebSocketTransport transport;
  chat_client::ChatModel model;
  std::unique_ptr<chat_client::ChatClient> client;
  chat_web::FontAtlas fonts{kFontPath};
  chat_web::ChatView view;
  chat_web::BrowserInput input;
  float scale = 0.0f;
  bool shown = false;
  std::string state_json;  // kept alive for the pointer handed to JavaScript
};

// What the page's test hooks hand back: "" when done, else the refusal's reason.
std::string reason_or_empty(const codec::Result<void, codec::Failure>& result) {
  return result ? std::string() : result.error().reason;
}

App* g_app = nullptr;

// A WebGL2 context on the canvas, else WebGL1, made current; the GLSL
// version ImGui's OpenGL3 backend is to write its shaders in (GLSL ES 3.00,
// or 1.00 on WebGL1), or nullptr when the browser gives neither. GLFW would
// ask for WebGL2 only, so the context is made here and GLFW gets none.
const char* make_webgl_context() {
  EmscriptenWebGLContextAttributes attributes;
  emscripten_webgl_init_context_attributes(&attributes);
  attributes.antialias = false;  // what GLFW asked for: no multisampling, a stencil buffer
  attributes.stencil = true;
  for (const int version : {2, 1}) {
    attributes.majorVersion = version;
    const EMSCRIPTEN_WEBGL_CONTEXT_HANDLE context = emscripten_webgl_create_context(kCanvas, &attributes);
    if (context > 0 && emscripten_webgl_make_context_current(context) == EMSCRIPTEN_RESULT_SUCCESS) {
      return version == 2 ? "#version 300 es" : "#version 100";
    }
  }
  return nullptr;
}

// WebGL1 samples a texture whose sides are not both powers of two (the font
// atlas is 4096 wide and as high as it needs) only with clamped edges, and
// as black otherwise; ImGui's backend leaves the default, repeat. ImGui's
// coordinates never leave the texture, so WebGL2 draws the same either way.
void clamp_font_texture_edges() {
  const auto texture = static_cast<GLuint>(reinterpret_cast<std::intptr_t>(ImGui::GetIO().Fonts->TexID));
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

// Canvas backing store = CSS size x devicePixelRatio; ImGui then works in
// device pixels, with fonts and style scaled by the ratio.
ImVec2 fit_canvas_to_window() {
  double css_width = 0.0, css_height = 0.0;
  emscripten_get_element_css_size(kCanvas, &css_width, &css_height);
  const double ratio = emscripten_get_device_pixel_ratio();
  const int width = std::max(1, static_cast<int>(std::lround(css_width * ratio)));
  const int height = std::max(1, static_cast<int>(std::lround(css_height * ratio)));
  int current_width = 0, current_height = 0;
  emscripten_get_canvas_element_size(kCanvas, &current_width, &current_height);
  if (current_width != width || current_height != height) {
    emscripten_set_canvas_element_size(kCanvas, width, height);
  }
  return ImVec2(static_cast<float>(width), static_cast<float>(height));
}

void frame() {
  App& app = *g_app;
  app.client->tick();

  const ImVec2 display = fit_canvas_to_window();
  const auto ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (ratio != app.scale) {
    app.scale = ratio;
    apply_style(ratio);
  }
  if (app.fonts.update(app.scale)) clamp_font_texture_edges();

  // The keys at the front of the queue; the text behind them waits for the
  // field that is active during the frame (ChatView::input_field).
  const chat_client::ChatClient& client = *app.client;
  app.input.queue().deliver_keys([&](const chat_client::KeyEvent& key) { return app.view.route_key(client, key); },
                                 [&](const chat_client::KeyEvent& key) {
                                   if (app.view.take_key(client, key)) {
                                     ImGui_ImplGlfw_KeyCallback(app.window, key.key, 0,
                                                                key.down ? GLFW_PRESS : GLFW_RELEASE, key.mods);
                                   }
                                 },
                                 chat_web::ChatView::takes_text(client));
  for (const auto& wheel : app.input.take_wheels()) app.view.on_wheel(wheel);
  for (const auto& touch : app.input.take_touches()) app.view.on_touch(touch);
  ImGuiIO& io = ImGui::GetIO();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  io.DisplaySize = display;  // GLFW's idea of the size is not kept in sync
  io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
  ImGui::NewFrame();

  app.view.draw(*app.client, app.fonts, app.input.queue(), app.scale, now_ms());

  ImGui::Render();
  glViewport(0, 0, static_cast<int>(display.x), static_cast<int>(display.y));
  glClearColor(0.10f, 0.11f, 0.13f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

  app.input.update(app.view.has_text_field(), app.view.selection());
  if (!app.shown) {
    app.shown = true;
    chat_page_ready();
  }
}

}  // namespace

// ---- read-only state and test hooks for the page (see www/app.js) ----------
extern "C" {

// window.chatState(): the model as JSON. The pointer stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* chat_state_json() {
  if (g_app == nullptr) return "{\"state\":\"Loading\"}";
  g_app->state_json = chat_client::chat_state_json(g_app->model, now_ms());
  return g_app->state_json.c_str();
}

// window.chatLogScroll(): where the log is scrolled, the unread count, the
// line at the top (its id, and the pixels of it scrolled off), whether older
// history is loading or exhausted, and where the log and the "new messages"
// button are (canvas pixels). Valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* chat_log_scroll_json() {
  if (g_app == nullptr) return "{}";
  const chat_client::LogScroll& scroll = g_app->view.log_scroll();
  const auto rect = [](const std::array<float, 4>& r) {
    char text[96];
    std::snprintf(text, sizeof text, "[%.1f,%.1f,%.1f,%.1f]", static_cast<double>(r[0]), static_cast<double>(r[1]),
                  static_cast<double>(r[2]), static_cast<double>(r[3]));
    return std::string(text);
  };
  const chat_client::HistoryPager& pager = g_app->client->history_pager();
  char head[320];
  std::snprintf(head, sizeof head,
                "{\"offset\":%.1f,\"max\":%.1f,\"atBottom\":%s,\"unread\":%zu,\"topId\":%lld,\"topHidden\":%.1f,"
                "\"historyLoading\":%s,\"historyExhausted\":%s,",
                static_cast<double>(scroll.offset()), static_cast<double>(scroll.max_offset()),
                scroll.at_bottom() ? "true" : "false", scroll.unread(),
                static_cast<long long>(g_app->view.top_line_id()), static_cast<double>(g_app->view.top_line_hidden()),
                pager.loading() ? "true" : "false", pager.exhausted() ? "true" : "false");
  const std::string json = std::string(head) + "\"log\":" + rect(g_app->view.log_rect()) +
                           ",\"button\":" + rect(g_app->view.unread_button_rect()) + "}";
  g_app->state_json = json;
  return g_app->state_json.c_str();
}

// The page's keyboard, in DOM order (www/app.js): keys by GLFW key code, and
// text from the hidden input (typed, composed by an IME, pasted).
EMSCRIPTEN_KEEPALIVE void chat_input_key(int key, int down, int mods) {
  if (g_app == nullptr) return;
  g_app->input.queue().push_key(chat_client::KeyEvent{key, down != 0, mods});
}

EMSCRIPTEN_KEEPALIVE void chat_input_text(const char* utf8) {
  if (g_app == nullptr || utf8 == nullptr) return;
  g_app->input.queue().push_text(utf8);
}

// The page lost the keyboard (another window, another tab): keys held go up.
EMSCRIPTEN_KEEPALIVE void chat_input_blur() {
  if (g_app == nullptr) return;
  g_app->input.queue().release_held_keys();
}

// Test hooks: the very ChatClient calls the Join and Send buttons make, for
// tests that cannot drive the canvas. Return "" or the local refusal reason.
EMSCRIPTEN_KEEPALIVE const char* chat_test_set_nickname(const char* nickname) {
  static std::string result;
  if (g_app == nullptr) return "not started";
  result = reason_or_empty(g_app->client->submit_nickname(nickname));
  return result.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* chat_test_send_message(const char* text) {
  static std::string result;
  if (g_app == nullptr) return "not started";
  result = reason_or_empty(g_app->client->send_message(text));
  return result.c_str();
}

}  // extern "C"

int main() {
  std::srand(static_cast<unsigned>(now_ms()));  // reconnect jitter only
  if (!glfwInit()) {
    std::fprintf(stderr, "glfwInit failed\n");
    return 1;
  }
  const char* glsl_version = make_webgl_context();
  if (glsl_version == nullptr) {
    std::fprintf(stderr, "could not create a WebGL2 or WebGL1 context\n");
    chat_page_fail("webgl");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);  // input and the canvas only: the context is made above

  static App app;
  g_app = &app;
  app.window = glfwCreateWindow(800, 600, "Chat", nullptr, nullptr);
  if (app.window == nullptr) {
    std::fprintf(stderr, "glfwCreateWindow failed\n");
    chat_page_fail("error");
    return 1;
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing to persist: the layout is fixed
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(app.window, true);
  ImGui_ImplOpenGL3_Init(glsl_version);
  ImGui_ImplOpenGL3_CreateDeviceObjects();  // so FontAtlas owns every later font texture
  app.input.install();

  chat_client::ClientConfig config;
  config.url = chat_client::make_socket_url(page_location_part(0), page_location_part(1));
  config.random01 = random01;
  app.client = std::make_unique<chat_client::ChatClient>(std::move(config), app.transport, app.model, now_ms);
  app.client->start();

  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
