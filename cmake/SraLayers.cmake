# The layering of core/ (docs/ARCHITECTURE.md, "Layers"), made into build rules.
#
#   sra_core_library(<target> SIDE shared|admin|remote [QT_FREE] [INTERFACE] SOURCES ... DEPS ...
#                    [LIBS ...] [PRIVATE_LIBS ...])
#
# declares one core/ folder as one static library. DEPS are the other core libraries it may use (PUBLIC), LIBS
# the third-party ones (PUBLIC; PRIVATE_LIBS: used by its sources only). Three rules follow from the declaration, each of which fails the build:
#
#  1. Sides: a `shared` library depends only on shared ones; `admin` (the admin machine: PC/SC, card, session)
#     and `remote` (srad's machine: configuration, pairings, PAM) on shared ones and their own side, never on
#     each other. QT_FREE libraries (loaded into other programs by the C-ABI modules) depend only on QT_FREE ones.
#     Checked when CMake configures (sra_check_core_layers).
#  2. Links: every library is also linked, whole, into a throw-away shared object with -Wl,--no-undefined and
#     nothing but its declared dependencies, so calling into a library it does not declare is an undefined
#     symbol, whoever links the pieces later (target <target>_layercheck, part of `all`; `sra_check_links` builds them all).
#  3. Includes: a source of the library includes core/ headers only from its own folder and from the folders of
#     what it depends on, directly or not — which catches header-only uses the linker cannot see
#     (cmake/SraCheckIncludes.cmake, target sra_check_includes, part of `all`).

set_property(GLOBAL PROPERTY SRA_CORE_LIBRARIES "")

function(sra_core_library target)
    cmake_parse_arguments(L "QT_FREE;INTERFACE" "SIDE" "SOURCES;DEPS;LIBS;PRIVATE_LIBS" ${ARGN})
    if(NOT L_SIDE MATCHES "^(shared|admin|remote)$")
        message(FATAL_ERROR "sra_core_library(${target}): SIDE must be shared, admin or remote")
    endif()
    file(RELATIVE_PATH folder "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
    if(L_INTERFACE)
        add_library(${target} INTERFACE ${L_SOURCES})
        target_include_directories(${target} INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
        target_link_libraries(${target} INTERFACE ${L_DEPS} ${L_LIBS})
    else()
        add_library(${target} STATIC ${L_SOURCES})
        target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
        target_link_libraries(${target} PUBLIC ${L_DEPS} ${L_LIBS} PRIVATE ${L_PRIVATE_LIBS} sra_common)
        if(L_QT_FREE)
            # Byte-level code for other programs' processes: stricter conversions, no moc.
            target_link_libraries(${target} PRIVATE sra_strict_conversions)
            set_target_properties(${target} PROPERTIES AUTOMOC OFF AUTOUIC OFF AUTORCC OFF)
        else()
            target_link_libraries(${target} PRIVATE sra_qt_defaults)
        endif()
    endif()
    set_target_properties(${target} PROPERTIES SRA_SIDE ${L_SIDE} SRA_QT_FREE "${L_QT_FREE}" SRA_FOLDER "${folder}"
        SRA_DEPS "${L_DEPS}")
    set_property(GLOBAL APPEND PROPERTY SRA_CORE_LIBRARIES ${target})
endfunction()

# Rule 1 at configure time, then rules 2 and 3 as build targets. Call once, after every sra_core_library().
function(sra_check_core_layers)
    get_property(libraries GLOBAL PROPERTY SRA_CORE_LIBRARIES)
    set(table "")
    set(all_sources "")
    foreach(target IN LISTS libraries)
        get_target_property(side ${target} SRA_SIDE)
        get_target_property(qt_free ${target} SRA_QT_FREE)
        get_target_property(deps ${target} SRA_DEPS)
        get_target_property(folder ${target} SRA_FOLDER)
        foreach(dep IN LISTS deps)
            if(NOT dep IN_LIST libraries)
                message(FATAL_ERROR "${target}: DEPS names ${dep}, which is not a core library (third-party: LIBS)")
            endif()
            get_target_property(dep_side ${dep} SRA_SIDE)
            get_target_property(dep_qt_free ${dep} SRA_QT_FREE)
            if(NOT dep_side STREQUAL "shared" AND NOT dep_side STREQUAL side)
                message(FATAL_ERROR "Layering: ${target} (${side}) may not depend on ${dep} (${dep_side}); "
                                    "move what both need into a shared library")
            endif()
            if(qt_free AND NOT dep_qt_free)
                message(FATAL_ERROR "Layering: ${target} is Qt-free and may not depend on ${dep}, which is not")
            endif()
        endforeach()
        # Transitive closure of the folders this one may include from.
        set(reach ${deps})
        set(seen "")
        while(reach)
            list(POP_FRONT reach next)
            if(next IN_LIST seen)
                continue()
            endif()
            list(APPEND seen ${next})
            get_target_property(more ${next} SRA_DEPS)
            list(APPEND reach ${more})
        endwhile()
        set(folders "${folder}")
        foreach(dep IN LISTS seen)
            get_target_property(dep_folder ${dep} SRA_FOLDER)
            list(APPEND folders ${dep_folder})
        endforeach()
        list(JOIN folders "," folders_text)
        string(APPEND table "${target}|${folder}|${folders_text}\n")
        file(GLOB sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${folder}/*.h" "${PROJECT_SOURCE_DIR}/${folder}/*.cpp")
        list(APPEND all_sources ${sources})

        # Rule 2. Sanitizer runtimes are linked into executables only, so a shared object cannot resolve them.
        get_target_property(type ${target} TYPE)
        if(type STREQUAL "STATIC_LIBRARY" AND NOT SRA_SANITIZE)
            set(check ${target}_layercheck)
            set(empty "${PROJECT_BINARY_DIR}/layercheck/${check}.cpp")
            file(CONFIGURE OUTPUT "${empty}" CONTENT "// Link check of ${target}: see cmake/SraLayers.cmake\n")
            add_library(${check} SHARED "${empty}")
            target_link_libraries(${check} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${target}>")
            target_link_options(${check} PRIVATE -Wl,--no-undefined)
            set_target_properties(${check} PROPERTIES AUTOMOC OFF AUTOUIC OFF AUTORCC OFF
                LIBRARY_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/layercheck")
            list(APPEND checks ${check})
        endif()
    endforeach()
    set(table_file "${PROJECT_BINARY_DIR}/layercheck/core-layers.txt")
    file(CONFIGURE OUTPUT "${table_file}" CONTENT "${table}")
    set(stamp "${PROJECT_BINARY_DIR}/layercheck/includes.stamp")
    add_custom_command(OUTPUT "${stamp}"
        COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DTABLE=${table_file} -DSTAMP=${stamp}
                -P ${PROJECT_SOURCE_DIR}/cmake/SraCheckIncludes.cmake
        DEPENDS ${all_sources} "${table_file}" ${PROJECT_SOURCE_DIR}/cmake/SraCheckIncludes.cmake
        COMMENT "Checking the core/ layering of #include lines"
        VERBATIM)
    add_custom_target(sra_check_includes ALL DEPENDS "${stamp}")
    add_custom_target(sra_check_links)
    if(checks)
        add_dependencies(sra_check_links ${checks})
    endif()
endfunction()
