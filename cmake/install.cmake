# `cmake --install <build> --prefix P`: the dmacosim command, the headers a
# client, driver or scenario author includes, the platform as ONE static
# library (target dmacosim::dmacosim) and a CMake package
# (P/lib/cmake/dmacosim: find_package(dmacosim), dmacosim_add_scenario()).
# docs/bring-up.md, "Bring your own driver", shows it used; ctest
# package.out_of_tree builds tests/package/ against a fresh install.
#
# No source is compiled again: the two archives are made of the objects the
# build already has (the libraries the in-tree command links, and the
# command's own objects), so the install costs a copy.
if(NOT TARGET dmacosim)
  return()  # an area (tb, driver) is not configured: nothing to install
endif()
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The platform: models, RTL host, the Verilated DMA with the Verilator
# runtime, kernel model, dmaengine, ALSA, network load, kernel-C support.
set(_dmacosim_parts dmacosim_models dmacosim_tb dmac_rtl dmacosim_verilated dmacosim_platform dmacosim_kernel dmacosim_dmaengine
    dmacosim_sound dmacosim_net dmacosim_linux_c dmacosim_linux_c_glue)
set(_dmacosim_objects "")
foreach(t IN LISTS _dmacosim_parts)
  list(APPEND _dmacosim_objects $<TARGET_OBJECTS:${t}>)
endforeach()
add_library(dmacosim_package STATIC ${_dmacosim_objects})
set_target_properties(dmacosim_package PROPERTIES OUTPUT_NAME dmacosim EXPORT_NAME dmacosim LINKER_LANGUAGE CXX)
target_compile_features(dmacosim_package INTERFACE cxx_std_17)
target_include_directories(dmacosim_package INTERFACE
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/dmacosim>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/dmacosim/models>)
# What the parts link (SystemC, libdw for the symbolized call traces, zlib
# for FST, the Verilator runtime's threads and atomics). SystemC and libdw are
# imported targets the package's config creates (pkg-config, as here).
target_link_libraries(dmacosim_package INTERFACE
  $<INSTALL_INTERFACE:PkgConfig::DMACOSIM_SYSTEMC> $<INSTALL_INTERFACE:PkgConfig::DMACOSIM_LIBDW>
  z pthread atomic ${CMAKE_DL_LIBS})
if(DMACOSIM_SANITIZE)
  target_link_options(dmacosim_package INTERFACE -fsanitize=address,undefined)
endif()

# The command's own objects: main (option parsing, exit codes), the report
# plumbing and scenario kit (dmacosim_scenario), the built-in scenarios and
# the kernel-C provider. An executable links them whole (dmacosim_add_scenario): scenarios and C drivers register
# themselves from static constructors, which a plain archive link would drop.
set(_dmacosim_main_objects $<TARGET_OBJECTS:dmacosim> $<TARGET_OBJECTS:dmacosim_scenario> $<TARGET_OBJECTS:dmacosim_dmac_c>)
if(TARGET dmacosim_sanitizer_options)
  list(APPEND _dmacosim_main_objects $<TARGET_OBJECTS:dmacosim_sanitizer_options>)
endif()
add_library(dmacosim_package_main STATIC ${_dmacosim_main_objects})
set_target_properties(dmacosim_package_main PROPERTIES OUTPUT_NAME dmacosim_main LINKER_LANGUAGE CXX)

install(TARGETS dmacosim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS dmacosim_package EXPORT dmacosimTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS dmacosim_package_main ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT dmacosimTargets NAMESPACE dmacosim:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dmacosim)

# Headers, in the source tree's layout ("tb/system.h", "driver/dmaengine/...",
# <linux/*.h> under driver/include), plus the generated ones: the register
# map (dmac_regs.h) and the Verilated model's (Vdmac_top.h, ...).
foreach(dir models tb driver)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dmacosim
          FILES_MATCHING PATTERN "*.h")
endforeach()
install(FILES ${CMAKE_BINARY_DIR}/generated/dmac_regs.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dmacosim)
get_target_property(_dmac_rtl_includes dmac_rtl INTERFACE_INCLUDE_DIRECTORIES)
foreach(d IN LISTS _dmac_rtl_includes)
  if(d MATCHES "^${CMAKE_BINARY_DIR}/.*Vdmac_top")  # the Verilated model's directory (VDIR)
    install(DIRECTORY ${d}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dmacosim FILES_MATCHING PATTERN "*.h")
  endif()
endforeach()

configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/dmacosimConfig.cmake.in
  ${CMAKE_BINARY_DIR}/package/dmacosimConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dmacosim
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/dmacosimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/package/dmacosimConfig.cmake ${CMAKE_BINARY_DIR}/package/dmacosimConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dmacosim)

# The out-of-tree project (tests/package/: its own scenario and kernel-C
# client) built against a fresh install of this build, then run.
find_program(DMACOSIM_CCACHE ccache)
add_test(NAME package.out_of_tree
  COMMAND ${CMAKE_SOURCE_DIR}/tests/package/check_package.sh ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/package-test ${CMAKE_GENERATOR} "${DMACOSIM_CCACHE}")
set_tests_properties(package.out_of_tree PROPERTIES LABELS package TIMEOUT 600)
