# The site chatd serves (${CMAKE_BINARY_DIR}/site by default): www/, the
# WASM client and the classic page's socket.io-client bundle, with
# content-hashed asset names and pre-compressed copies (assemble_site.cmake
# says how). Included by web-client/CMakeLists.txt:
#
#   chat_site(SITE_DIR <dir> APP_DIR <dir with chat.js and chat.wasm>
#             DEPENDS <the target that builds them>)
#
# adds the target `chat_site` (part of ALL). It runs again when a file of
# www/ or of the client changes.

set(chat_site_www_dir "${CMAKE_CURRENT_LIST_DIR}")

function(chat_site)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "SITE_DIR;APP_DIR" "DEPENDS")
  set(bundle "${chat_site_www_dir}/classic/node_modules/socket.io-client/dist/socket.io.min.js")
  if(NOT EXISTS "${bundle}")
    message(FATAL_ERROR "The classic page (www/classic) needs the socket.io-client browser bundle, "
                        "but ${bundle} is missing: run `npm ci` in www/classic (tools/install-deps does).")
  endif()
  find_program(CHAT_GZIP gzip REQUIRED)
  find_program(CHAT_BROTLI brotli REQUIRED)  # Debian: brotli (tools/install-deps installs it)

  file(GLOB_RECURSE www_files CONFIGURE_DEPENDS "${chat_site_www_dir}/*")
  list(FILTER www_files EXCLUDE REGEX "/node_modules/")
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/chat_site.stamp")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND "${CMAKE_COMMAND}"
      "-DWWW_DIR=${chat_site_www_dir}"
      "-DAPP_DIR=${arg_APP_DIR}"
      "-DCLASSIC_BUNDLE=${bundle}"
      "-DSITE_DIR=${arg_SITE_DIR}"
      "-DGZIP=${CHAT_GZIP}"
      "-DBROTLI=${CHAT_BROTLI}"
      -P "${chat_site_www_dir}/assemble_site.cmake"
    COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
    DEPENDS ${www_files} "${bundle}" "${arg_APP_DIR}/chat.js" "${arg_APP_DIR}/chat.wasm" ${arg_DEPENDS}
    COMMENT "Assembling the site in ${arg_SITE_DIR}"
    VERBATIM)
  add_custom_target(chat_site ALL DEPENDS "${stamp}")
endfunction()
