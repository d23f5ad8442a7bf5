# Writes OUT, a C++ source that holds the Lua file IN as a string
# (cluster_library()), so that chatd runs the very file a Node.js peer loads.
file(READ "${IN}" text)
string(FIND "${text}" ")chatlua\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string's delimiter")
endif()
file(WRITE "${OUT}.tmp" "// Generated from server/cluster/lua/chat.lua by embed_lua.cmake: do not edit.\n"
  "#include \"cluster/cluster_library.hpp\"\n\n"
  "namespace chatd::cluster {\n\n"
  "std::string_view cluster_library() {\n"
  "  static constexpr std::string_view kText = R\"chatlua(${text})chatlua\";\n"
  "  return kText;\n"
  "}\n\n"
  "}  // namespace chatd::cluster\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
