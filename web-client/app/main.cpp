// The browser client's entry point: GLFW + WebGL2 (else WebGL1) + Dear ImGui, a frame
// on an animation frame only when something changed (FrameScheduler). Owns the
// objects and wires them together; the chat logic lives in chat_client_core,
// the drawing in ChatView.

#include <emscripten/emscripten.h>
#include <emscripten/eventloop.h>
#include <emscripten/html5.h>

#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>

#include <algorithm>
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

#include "attention.hpp"
#include "browser_input.hpp"
#include "chat_client/chat_client.hpp"
#include "chat_client/chat_model.hpp"
#include "chat_client/chat_state_json.hpp"
#include "chat_client/server_url.hpp"
#include "chat_view.hpp"
#include "codec/utf8.hpp"
#include "font_atlas.hpp"
#include "frame_scheduler.hpp"
#include "frame_times.hpp"
#include "live_region.hpp"
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

// A mark on the page's performance timeline (performance.mark), e.g. when
// the nickname prompt is first on screen: a first visit's wait as a person
// has it, read by tests/browser/first_visit.test.mjs and the browser's tools.
// clang-format off
EM_JS(void, chat_page_mark, (const char* name), {
  if (window.performance && performance.mark) performance.mark(UTF8ToString(name));
});
// clang-format on

// The viewport, scissor box and blend settings that ImGui's backend reads
// back every frame, kept by the page instead of asked of the GPU process
// (gl_state_shadow.js).
extern "C" void chat_gl_shadow_state();

// Tells the page that the client cannot run (kind "webgl": no WebGL context);
// app.js then shows why, with the way out.
// clang-format off
EM_JS(void, chat_page_fail, (const char* kind), {
  if (window.chatPage && window.chatPage.fail) window.chatPage.fail(UTF8ToString(kind));
});
// clang-format on

namespace {

constexpr const char* kCanvas = "#canvas";
// How often the client's timers (heartbeat check, reconnect) run: apart from
// frames, so that they keep running while nothing is drawn (idle, or a
// hidden page, where browsers throttle timers but run them).
constexpr double kTickIntervalMs = 250.0;

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

void frame();

struct App {
  GLFWwindow* window = nullptr;
  chat_web::FrameScheduler scheduler{&frame};
  chat_web::FrameTimes frame_times;
  std::uint64_t drawn_revision = 0;  // the model's revision the last frame showed
  chat_web::WebSocketTransport transport;
  chat_client::ChatModel model;
  std::unique_ptr<chat_client::ChatClient> client;
  chat_web::FontAtlas fonts;
  chat_web::ChatView view;
  chat_web::BrowserInput input;
  chat_web::LiveRegion live;
  chat_web::Attention attention;
  float scale = 0.0f;
  bool shown = false;
  bool prompt_marked = false;  // chat_page_mark("chat-nickname-prompt") done
  std::string state_json;      // kept alive for the pointer handed to JavaScript
};

// What the page's test hooks hand back: "" when done, else the refusal's reason.
std::string reason_or_empty(const codec::Result<void, codec::Failure>& result) {
  return result ? std::string() : result.error().reason;
}

App* g_app = nullptr;

// A network event or a timer changed the model: show it, and tell a screen
// reader (also while nothing is drawn: a hidden page).
void draw_if_model_changed() {
  App& app = *g_app;
  app.live.update(app.model);  // lines added inside a frame too (a tick there)
  app.attention.update(app.model, !app.scheduler.hidden(), app.view.log_scroll().at_bottom());
  if (app.model.revision() != app.drawn_revision) app.scheduler.request();
}

void on_tick(void*) {
  g_app->client->tick();
  draw_if_model_changed();
}

// Whether something on screen still moves without a new event: the next
// animation frame is drawn too.
bool still_moving(App& app) {
  if (ImGui::IsAnyMouseDown()) return true;  // a drag, the scrollbar held
  if (app.fonts.pending()) return true;      // glyphs met this frame: the next one draws them
  // A key waiting for its field, and keys held: ImGui repeats a held key
  // itself, frame by frame. Modifiers held alone change nothing.
  if (!app.input.queue().empty()) return true;
  const ImGuiIO& io = ImGui::GetIO();
  for (int key = 0; key < static_cast<int>(IM_ARRAYSIZE(io.KeysDown)); ++key) {
    if (io.KeysDown[key] && (key < GLFW_KEY_LEFT_SHIFT || key > GLFW_KEY_RIGHT_SUPER)) return true;
  }
  return app.view.log_scroll().gliding();
}

// A WebGL2 context on the canvas, else WebGL1 with vertex array objects,
// made current; the GLSL version ImGui's OpenGL3 backend is to write its
// shaders in (GLSL ES 3.00, or 1.00 on WebGL1), or nullptr when the browser
// gives neither. GLFW would ask for WebGL2 only, so the context is made here
// and GLFW gets none.
const char* make_webgl_context() {
  EmscriptenWebGLContextAttributes attributes;
  emscripten_webgl_init_context_attributes(&attributes);
  attributes.antialias = false;  // what GLFW asked for: no multisampling, a stencil buffer
  attributes.stencil = true;
  // Emscripten would enable every extension the browser offers, each one a
  // round trip to the GPU process before the first frame (tens of ms under
  // software GL); ImGui needs none on WebGL2 and vertex array objects on WebGL1.
  attributes.enableExtensionsByDefault = false;
  for (const int version : {2, 1}) {
    attributes.majorVersion = version;
    const EMSCRIPTEN_WEBGL_CONTEXT_HANDLE context = emscripten_webgl_create_context(kCanvas, &attributes);
    if (context <= 0 || emscripten_webgl_make_context_current(context) != EMSCRIPTEN_RESULT_SUCCESS) continue;
    if (version == 2) return "#version 300 es";
    // The backend binds a vertex array object on Emscripten even for GLSL ES 1.00.
    if (emscripten_webgl_enable_extension(context, "OES_vertex_array_object")) return "#version 100";
    emscripten_webgl_destroy_context(context);
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
  const double start_ms = emscripten_get_now();
  unsigned causes = 0;
  app.client->tick();
  if (app.drawn_revision != app.model.revision()) causes |= chat_web::FrameTimes::kModel;
  app.drawn_revision = app.model.revision();
  // A frame is drawn only while the page is shown.
  app.attention.update(app.model, true, app.view.log_scroll().at_bottom());
  app.view.set_divider(app.attention.divider_seq());

  const ImVec2 display = fit_canvas_to_window();
  const auto ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (ratio != app.scale) {
    app.scale = ratio;
    apply_style(ratio);
  }
  // Glyphs the last frame met for the first time are drawn now (the atlas
  // is locked during a frame); when it changed, the frame shows them, and the
  // new widths may change the layout: let it settle.
  if (app.fonts.update(app.scale)) {
    causes |= chat_web::FrameTimes::kGlyphs;
    clamp_font_texture_edges();
    app.scheduler.request();
  }

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
  const double built_ms = emscripten_get_now();
  glViewport(0, 0, static_cast<int>(display.x), static_cast<int>(display.y));
  glClearColor(0.10f, 0.11f, 0.13f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  // WebGL queues the commands; the browser draws and presents them after
  // this callback returns, which is not the app's time (nor measurable here).
  app.frame_times.record(start_ms, built_ms, emscripten_get_now(), causes);

  app.input.update(app.view.has_text_field(), app.view.selection());
  // What the next frame needs: at once (the model changed while drawing, e.g.
  // one's own message; something moves), or when a timer on screen changes.
  draw_if_model_changed();
  app.attention.seen(true, app.view.log_scroll().at_bottom());
  if (still_moving(app)) app.scheduler.keep_drawing();
  if (const auto at = app.view.next_change_ms()) app.scheduler.draw_at(*at);
  if (!app.shown) {
    app.shown = true;
    chat_page_ready();
  }
  // The prompt is there for a person once its text is: no glyph still missing.
  if (!app.prompt_marked && client.state() == chat_client::ConnectionState::NeedsNickname && !app.fonts.pending()) {
    app.prompt_marked = true;
    chat_page_mark("chat-nickname-prompt");
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
// "new messages" divider, the line at the top (its id, and the pixels of it
// scrolled off), whether older history is loading or exhausted, how many
// lines the log holds, where the
// log and the "new messages" button are, and the log's rows drawn in the last
// frame with each glyph's code point and its left and right edge by the
// font's advances (canvas pixels); and how full the glyph atlas is (slots
// now, at most, and in use). Valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* chat_log_scroll_json() {
  if (g_app == nullptr) return "{}";
  const chat_client::LogScroll& scroll = g_app->view.log_scroll();
  const auto rect = [](const std::array<float, 4>& r) {
    char text[96];
    std::snprintf(text, sizeof text, "[%.1f,%.1f,%.1f,%.1f]", static_cast<double>(r[0]), static_cast<double>(r[1]),
                  static_cast<double>(r[2]), static_cast<double>(r[3]));
    return std::string(text);
  };
  // The divider: the index of its line in chatState().messages (-1: none),
  // and where it was drawn (canvas pixels; negative: not on screen).
  long divider = -1;
  const auto& lines = g_app->model.lines();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].seq == g_app->attention.divider_seq()) divider = static_cast<long>(i);
  }
  const chat_client::HistoryPager& pager = g_app->client->history_pager();
  char head[512];
  std::snprintf(head, sizeof head,
                "{\"offset\":%.1f,\"max\":%.1f,\"atBottom\":%s,\"unread\":%zu,\"divider\":%ld,\"dividerY\":%.1f,"
                "\"topId\":%lld,\"topHidden\":%.1f,\"historyLoading\":%s,\"historyExhausted\":%s,\"lines\":%zu,",
                static_cast<double>(scroll.offset()), static_cast<double>(scroll.max_offset()),
                scroll.at_bottom() ? "true" : "false", scroll.unread(), divider,
                static_cast<double>(g_app->view.divider_y()), static_cast<long long>(g_app->view.top_line_id()),
                static_cast<double>(g_app->view.top_line_hidden()), pager.loading() ? "true" : "false",
                pager.exhausted() ? "true" : "false", lines.size());
  std::string json = std::string(head) + "\"log\":" + rect(g_app->view.log_rect()) +
                     ",\"button\":" + rect(g_app->view.unread_button_rect()) + ",\"rows\":[";
  const ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
  const float height = font != nullptr ? font->FontSize : 0.0f;
  bool first_row = true;
  for (const auto& row : g_app->view.drawn_rows()) {
    char text[96];
    std::snprintf(text, sizeof text, "%s{\"x\":%.1f,\"y\":%.1f,\"h\":%.1f,\"glyphs\":[", first_row ? "" : ",",
                  static_cast<double>(row.x), static_cast<double>(row.y), static_cast<double>(height));
    json += text;
    first_row = false;
    float x = row.x;
    std::size_t pos = 0;
    bool first_glyph = true;
    while (pos < row.text.size() && font != nullptr) {
      const auto decoded = codec::utf8::decode_one(row.text, pos);
      if (!decoded) ++pos;  // a malformed byte: ImGui draws U+FFFD for it
      const char32_t c = decoded.value_or(0xFFFD);
      const float advance = font->GetCharAdvance(static_cast<ImWchar>(c));
      std::snprintf(text, sizeof text, "%s[%u,%.1f,%.1f]", first_glyph ? "" : ",", static_cast<unsigned>(c),
                    static_cast<double>(x), static_cast<double>(x + advance));
      json += text;
      first_glyph = false;
      x += advance;
    }
    json += "]}";
  }
  const chat_client::GlyphCache& glyphs = g_app->fonts.glyphs();
  char atlas[128];
  std::snprintf(atlas, sizeof atlas, "],\"atlas\":{\"slots\":%zu,\"max\":%zu,\"held\":%zu}}", glyphs.capacity(),
                glyphs.max_capacity(), glyphs.size());
  json += atlas;
  g_app->state_json = json;
  return g_app->state_json.c_str();
}

// The page saw input (keys, text, pointer, wheel, touch, focus, resize):
// draw it. A cheap call, made for every such event (www/app.js).
EMSCRIPTEN_KEEPALIVE void chat_wake() {
  if (g_app != nullptr) g_app->scheduler.request();
}

// window.chatFrames(): frames drawn so far (read-only, for the idle test).
EMSCRIPTEN_KEEPALIVE double chat_frame_count() {
  return g_app == nullptr ? 0.0 : static_cast<double>(g_app->scheduler.frames_drawn());
}

// window.chatFrameTimes(from): the main thread's time in each frame from
// frame number `from` on (FrameTimes). Valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* chat_frame_times_json(double from) {
  if (g_app == nullptr) return "{\"count\":0,\"frames\":[]}";
  g_app->state_json = g_app->frame_times.json_since(static_cast<std::uint64_t>(std::max(0.0, from)));
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

// A right click or a long press on the canvas (www/app.js), in canvas
// pixels: the next frame opens the menu of what is there.
EMSCRIPTEN_KEEPALIVE void chat_input_context_menu(double x, double y) {
  if (g_app == nullptr) return;
  g_app->view.on_context_menu(static_cast<float>(x), static_cast<float>(y));
  g_app->scheduler.request();
}

// Whether a long press at (x, y), canvas pixels, would open a menu (www/app.js
// starts timing one only there).
EMSCRIPTEN_KEEPALIVE int chat_input_has_menu_at(double x, double y) {
  if (g_app == nullptr || !g_app->client) return 0;
  return g_app->view.has_menu_at(g_app->client->model(), static_cast<float>(x), static_cast<float>(y)) ? 1 : 0;
}

// A key or text while the menu is open (www/app.js): it closes, at once,
// even while the queue holds the key back for a field (text waits for the
// field, which the open menu keeps inactive).
EMSCRIPTEN_KEEPALIVE void chat_input_close_menu() {
  if (g_app == nullptr) return;
  g_app->view.close_menu();
  g_app->scheduler.request();
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
  // Before ImGui's backend starts: its per-frame state reads are answered by the page.
  chat_gl_shadow_state();
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
  // A blinking caret would need frames all the time (its phases change 1.67
  // times a second): an idle page would never be idle. It stays on instead.
  io.ConfigInputTextCursorBlink = false;
  ImGui_ImplGlfw_InitForOpenGL(app.window, true);
  ImGui_ImplOpenGL3_Init(glsl_version);
  ImGui_ImplOpenGL3_CreateDeviceObjects();  // so FontAtlas owns every later font texture
  app.input.install();
  app.attention.install();

  chat_client::ClientConfig config;
  config.url = chat_client::make_socket_url(page_location_part(0), page_location_part(1));
  config.random01 = random01;
  app.client = std::make_unique<chat_client::ChatClient>(std::move(config), app.transport, app.model, now_ms);
  app.transport.set_after_event(draw_if_model_changed);  // a ping changes nothing: no frame
  app.client->start();

  app.scheduler.install();
  emscripten_set_interval(&on_tick, kTickIntervalMs, nullptr);
  app.scheduler.request();  // the first frame; after it, only what changes
  return 0;
}
