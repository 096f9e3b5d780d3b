# Writes a C++ file holding every db/migrations/V*.sql as (name, text), in file-name order,
# so the binary migrates without the source tree beside it.
file(GLOB files "${DIR}/V*.sql")
list(SORT files)
set(body "// Generated from db/migrations by cmake/embed_migrations.cmake. Do not edit.\n#include \"db/migrations.hpp\"\nnamespace heat::db {\nconst std::vector<MigrationSource>& embedded_migrations() {\n  static const std::vector<MigrationSource> all = {\n")
foreach(f ${files})
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" text)
  string(APPEND body "    {\"${name}\", R\"heatsql(${text})heatsql\"},\n")
endforeach()
string(APPEND body "  };\n  return all;\n}\n}  // namespace heat::db\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
