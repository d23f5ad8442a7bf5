# Assembles the site chatd serves (cmake -P, from www/site.cmake's target):
#
#   1. stages www/ (without what only builds it), the WASM client's chat.js,
#      chat.wasm, and the classic page's socket.io-client bundle;
#   2. gives every asset but the HTML pages and source maps a name with its
#      content hash, NAME.<first 16 hex digits of its SHA-256>.EXT, and writes
#      those names into the pages' src, href and data-* attributes. chatd
#      serves such names as immutable and the pages as revalidated, so an
#      upgrade never mixes two versions in one browser;
#   3. checks that every relative src and href of every page names a file;
#   4. keeps gzip (-9) and Brotli (-q 11) copies, NAME.gz and NAME.br, of the
#      files that shrink by at least a tenth;
#   5. replaces SITE_DIR with the result in one step.
#
# Variables: WWW_DIR, APP_DIR (chat.js, chat.wasm), CLASSIC_BUNDLE
# (socket.io.min.js), SITE_DIR, GZIP, BROTLI.

cmake_minimum_required(VERSION 3.25)
foreach(variable IN ITEMS WWW_DIR APP_DIR CLASSIC_BUNDLE SITE_DIR GZIP BROTLI)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "assemble_site.cmake: ${variable} is not set")
  endif()
endforeach()
if(NOT EXISTS "${CLASSIC_BUNDLE}")
  message(FATAL_ERROR "The classic page (www/classic) needs the socket.io-client browser bundle, "
                      "but ${CLASSIC_BUNDLE} is missing: run `npm ci` in www/classic (tools/install-deps does).")
endif()

set(staging "${SITE_DIR}.staging")
file(REMOVE_RECURSE "${staging}")
file(MAKE_DIRECTORY "${staging}")

# ---- 1. stage -----------------------------------------------------------------
file(COPY "${WWW_DIR}/" DESTINATION "${staging}"
  PATTERN node_modules EXCLUDE
  PATTERN package.json EXCLUDE
  PATTERN package-lock.json EXCLUDE
  PATTERN CMakeLists.txt EXCLUDE
  PATTERN "*.cmake" EXCLUDE)
# (Not chat.data: the client no longer preloads a font, and one left in
# APP_DIR by an older build must not be served.)
foreach(name IN ITEMS chat.js chat.wasm)
  if(EXISTS "${APP_DIR}/${name}")
    file(COPY "${APP_DIR}/${name}" DESTINATION "${staging}")
  endif()
endforeach()
file(COPY "${CLASSIC_BUNDLE}" DESTINATION "${staging}/classic")
if(EXISTS "${CLASSIC_BUNDLE}.map")
  file(COPY "${CLASSIC_BUNDLE}.map" DESTINATION "${staging}/classic")
endif()

# ---- 2. content-hashed names --------------------------------------------------
file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${staging}" "${staging}/*")
set(pages "")
set(assets "")
foreach(file IN LISTS files)
  if(file MATCHES "\\.html$")
    list(APPEND pages "${file}")
  elseif(NOT file MATCHES "\\.map$")
    # Source maps keep their names: the bundle names its map inside itself.
    list(APPEND assets "${file}")
    file(SHA256 "${staging}/${file}" hash)
    string(SUBSTRING "${hash}" 0 16 hash)
    get_filename_component(folder "${file}" DIRECTORY)
    get_filename_component(name "${file}" NAME)
    string(REGEX REPLACE "^(.*)\\.([^.]*)$" "\\1.${hash}.\\2" hashed "${name}")
    if(hashed STREQUAL name)  # no extension
      set(hashed "${name}.${hash}")
    endif()
    string(MAKE_C_IDENTIFIER "${file}" key)
    set("hashed_${key}" "${hashed}")
  endif()
endforeach()

# Every relative src, href and data-* value of a page that names an asset
# gets the asset's new name; the rest must name a file as they are.
foreach(page IN LISTS pages)
  file(READ "${staging}/${page}" html)
  get_filename_component(page_folder "${staging}/${page}" DIRECTORY)
  string(REGEX MATCHALL "(src|href|data-[a-z-]+)=\"[^\"]*\"" references "${html}")
  list(REMOVE_DUPLICATES references)
  foreach(reference IN LISTS references)
    string(REGEX REPLACE "^([^=]*)=\"([^\"]*)\"$" "\\1" attribute "${reference}")
    string(REGEX REPLACE "^([^=]*)=\"([^\"]*)\"$" "\\2" value "${reference}")
    if(value STREQUAL "" OR value MATCHES "^([a-z]+:|/|#)" OR value MATCHES "[ ?]")
      continue()  # not a file: another origin, absolute, a fragment or plain data
    endif()
    get_filename_component(target "${page_folder}/${value}" ABSOLUTE)
    file(RELATIVE_PATH target "${staging}" "${target}")
    string(MAKE_C_IDENTIFIER "${target}" key)
    if(DEFINED "hashed_${key}")
      get_filename_component(value_folder "${value}" DIRECTORY)
      set(renamed "${hashed_${key}}")
      if(value_folder)
        set(renamed "${value_folder}/${renamed}")
      endif()
      string(REPLACE "${reference}" "${attribute}=\"${renamed}\"" html "${html}")
    elseif(attribute MATCHES "^(src|href)$" AND NOT EXISTS "${staging}/${target}")
      message(FATAL_ERROR "${page} refers to ${value}, which is not in the site")
    endif()
  endforeach()
  file(WRITE "${staging}/${page}" "${html}")
endforeach()

foreach(file IN LISTS assets)
  string(MAKE_C_IDENTIFIER "${file}" key)
  get_filename_component(folder "${file}" DIRECTORY)
  set(renamed "${hashed_${key}}")
  if(folder)
    set(renamed "${folder}/${renamed}")
  endif()
  file(RENAME "${staging}/${file}" "${staging}/${renamed}")
endforeach()

# ---- 3. compressed copies -----------------------------------------------------
file(GLOB_RECURSE files LIST_DIRECTORIES false "${staging}/*")
foreach(file IN LISTS files)
  if(NOT file MATCHES "\\.(html|js|css|svg|wasm|data|json|map|txt)$")
    continue()
  endif()
  file(SIZE "${file}" size)
  if(size LESS 512)
    continue()  # a header's worth: not worth a second request path
  endif()
  execute_process(COMMAND "${GZIP}" -9 -n -c "${file}" OUTPUT_FILE "${file}.gz" RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "${GZIP} failed on ${file}")
  endif()
  execute_process(COMMAND "${BROTLI}" -q 11 -f -o "${file}.br" "${file}" RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "${BROTLI} failed on ${file}")
  endif()
  math(EXPR worth "${size} * 9 / 10")
  foreach(copy IN ITEMS "${file}.gz" "${file}.br")
    file(SIZE "${copy}" compressed)
    if(NOT compressed LESS worth)
      file(REMOVE "${copy}")
    endif()
  endforeach()
endforeach()

# ---- 4. in place, at once -----------------------------------------------------
file(REMOVE_RECURSE "${SITE_DIR}")
file(RENAME "${staging}" "${SITE_DIR}")
