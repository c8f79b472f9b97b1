# sra_add_qtest(NAME unit.piv.Tlv SOURCES ... LIBS ... LABELS unit [ENVIRONMENT ...] [TIMEOUT s] [RUN_SERIAL])
# One Qt Test class per executable; the CTest name is NAME, the executable test_<name with dots as _>.
function(sra_add_qtest)
    cmake_parse_arguments(T "RUN_SERIAL" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ENVIRONMENT" ${ARGN})
    string(REPLACE "." "_" exe "test_${T_NAME}")
    string(TOLOWER "${exe}" exe)
    add_executable(${exe} ${T_SOURCES})
    target_link_libraries(${exe} PRIVATE Qt6::Test sra_common sra_qt_defaults ${T_LIBS})
    add_test(NAME ${T_NAME} COMMAND ${exe})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    set_tests_properties(${T_NAME} PROPERTIES
        LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "LANG=C.UTF-8;QT_QPA_PLATFORM=offscreen;SRA_SOURCE_DIR=${PROJECT_SOURCE_DIR};SRA_BINARY_DIR=${PROJECT_BINARY_DIR};${T_ENVIRONMENT}")
    if(T_RUN_SERIAL)
        set_tests_properties(${T_NAME} PROPERTIES RUN_SERIAL TRUE)
    endif()
endfunction()

# sra_add_fuzzer(NAME tlv SOURCES fuzz_tlv.cpp LIBS ...)
# With SRA_FUZZ_ENGINE=replay (default) the target gets a small main() that feeds every file of
# tests/fuzz/corpus/<NAME>/ to LLVMFuzzerTestOneInput, and CTest runs that replay on every build.
# With SRA_FUZZ_ENGINE=libfuzzer (clang) it is a real libFuzzer binary; CTest still replays the corpus.
function(sra_add_fuzzer)
    cmake_parse_arguments(F "" "NAME" "SOURCES;LIBS" ${ARGN})
    set(exe fuzz_${F_NAME})
    set(corpus ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${F_NAME})
    if(SRA_FUZZ_ENGINE STREQUAL "libfuzzer")
        add_executable(${exe} ${F_SOURCES})
        target_compile_options(${exe} PRIVATE -fsanitize=fuzzer,address,undefined)
        target_link_options(${exe} PRIVATE -fsanitize=fuzzer,address,undefined)
    else()
        add_executable(${exe} ${F_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz/ReplayMain.cpp)
    endif()
    target_link_libraries(${exe} PRIVATE sra_common ${F_LIBS})
    if(SRA_FUZZ_ENGINE STREQUAL "libfuzzer")
        # -runs=0: only execute the corpus; without it libFuzzer would fuzz and write into the source tree.
        add_test(NAME fuzz-replay.${F_NAME} COMMAND ${exe} -runs=0 ${corpus})
    else()
        add_test(NAME fuzz-replay.${F_NAME} COMMAND ${exe} ${corpus})
    endif()
    set_tests_properties(fuzz-replay.${F_NAME} PROPERTIES LABELS fuzz-replay TIMEOUT 300)
endfunction()
