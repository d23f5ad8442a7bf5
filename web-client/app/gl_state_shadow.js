// A shadow of the few WebGL states that the page reads back every frame
// (main.cpp calls chat_gl_shadow_state once its context is current; linked
// with --js-library).
//
// Why: ImGui's OpenGL backend saves the GL state before it draws and puts it
// back after (glGetIntegerv of the viewport, the scissor box and six blend
// settings, every frame). WebGL answers those from the GPU process: each is
// a synchronous round trip, and the first one in a frame also waits for the
// GPU process to finish all the work queued before it. Under a software
// rasterizer that was most of a frame's main-thread time (a scrolling frame's
// GL submission: 35 ms median, docs/benchmarks.md "Long log"); on a real GPU
// it is still a stall per frame. Every GL call of the page goes through this
// one context object, so its setters can keep the answers: once a value has
// been set here, reading it costs nothing. Until then (the first frame), the
// context is asked.
//
// Only values the page sets through the wrapped setters are answered from
// the shadow; everything else goes to WebGL as before. The page only ever
// sets valid values (no GL error that would leave the state unchanged, no
// viewport beyond the browser's maximum, which WebGL would clamp). A lost
// context ends the client (app.js shows why), so the shadow never outlives
// its state. tests/browser (glShadowMismatches) compares it with WebGL's.

mergeInto(LibraryManager.library, {
  chat_gl_shadow_state: function () {
    var gl = GLctx;
    if (!gl || gl.chatShadow) return;
    var known = {};  // pname -> a number, or an Int32Array of 4
    gl.chatShadow = known;
    var wrap = function (name, record) {
      var real = gl[name].bind(gl);
      gl[name] = function () {
        record.apply(null, arguments);
        return real.apply(null, arguments);
      };
    };
    wrap('viewport', function (x, y, width, height) {
      known[gl.VIEWPORT] = new Int32Array([x, y, width, height]);
    });
    wrap('scissor', function (x, y, width, height) {
      known[gl.SCISSOR_BOX] = new Int32Array([x, y, width, height]);
    });
    var blendFunc = function (srcRgb, dstRgb, srcAlpha, dstAlpha) {
      known[gl.BLEND_SRC_RGB] = srcRgb;
      known[gl.BLEND_DST_RGB] = dstRgb;
      known[gl.BLEND_SRC_ALPHA] = srcAlpha;
      known[gl.BLEND_DST_ALPHA] = dstAlpha;
    };
    wrap('blendFunc', function (src, dst) { blendFunc(src, dst, src, dst); });
    wrap('blendFuncSeparate', blendFunc);
    var blendEquation = function (rgb, alpha) {
      known[gl.BLEND_EQUATION_RGB] = rgb;
      known[gl.BLEND_EQUATION_ALPHA] = alpha;
    };
    wrap('blendEquation', function (mode) { blendEquation(mode, mode); });
    wrap('blendEquationSeparate', blendEquation);
    var getParameter = gl.getParameter.bind(gl);
    gl.getParameter = function (pname) {
      var value = known[pname];
      if (value === undefined) return getParameter(pname);
      // A copy, as WebGL gives: the caller may keep or change it.
      return typeof value === 'number' ? value : new Int32Array(value);
    };
  },
  chat_gl_shadow_state__sig: 'v',
});
