/*
 * domain_conf.h: in-memory definition of a Xen guest, as described by
 * libvirt's domain XML (https://libvirt.org/formatdomain.html), and the
 * error domain of the whole configuration layer (src/conf).
 *
 * Parsing:    domain_xml_parse.c   (xvmDomainDefParseString)
 * Formatting: domain_xml_format.c  (xvmDomainDefFormat)
 * Checks:     domain_validate.c    (xvmDomainDefPostParse, xvmDomainDefValidate)
 * Lifetime, enums: domain_conf.c
 *
 * Conventions
 *  - Memory sizes are kept in KiB.
 *  - For an optional enum-valued attribute, value 0 (…_DEFAULT / …_NONE)
 *    means "absent" and is not written back.
 *  - Strings are owned by the structure holding them (g_free).
 *  - Arrays of devices are GPtrArray with their element free function set:
 *    g_ptr_array_add(def->disks, xvmDomainDiskDefNew()) and forget it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libvirt/virterror.h>     /* virErrorNumber: the error codes */
#include <libvirt/libvirt-host.h>  /* VIR_UUID_BUFLEN, VIR_UUID_STRING_BUFLEN */

#include "bitmap.h"
#include "uuid.h"
#include "mac.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * GError domain of src/conf. error->code is a libvirt virErrorNumber
 * (VIR_ERR_XML_ERROR, VIR_ERR_XML_DETAIL, VIR_ERR_CONFIG_UNSUPPORTED,
 * VIR_ERR_INVALID_ARG, VIR_ERR_INTERNAL_ERROR, ...); error->message is
 * already translated (gettext domain "xvm").
 *
 * How codes are used, as libvirt does:
 *  VIR_ERR_XML_DETAIL          the document is not well-formed XML (libxml2's
 *                              message with its line number)
 *  VIR_ERR_XML_ERROR           well-formed, but a missing/invalid element or
 *                              value (bad uuid, bad unit, negative memory,
 *                              duplicate disk target, ...)
 *  VIR_ERR_CONFIG_UNSUPPORTED  valid in libvirt, but not something a Xen
 *                              guest / this driver supports (numatune, a
 *                              virtio disk bus, domain type 'kvm', ...)
 *  VIR_ERR_INVALID_ARG         bad arguments to an API (NULL document,
 *                              document over XVM_DOMAIN_XML_MAX_BYTES)
 */
#define XVM_CONF_ERROR (xvm_conf_error_quark())
GQuark xvm_conf_error_quark(void);

/* Set *error (if error != NULL) with a printf-style, already-translated
 * message. Callers write: xvmConfError(error, VIR_ERR_XML_ERROR,
 * _("invalid value '%s' for <%s>"), v, "memory"); */
void xvmConfError(GError **error, virErrorNumber code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* ------------------------------------------------------------------------ */
/* Limits (bounded input)                                                   */
/* ------------------------------------------------------------------------ */

#define XVM_DOMAIN_XML_MAX_BYTES     (10 * 1024 * 1024)
#define XVM_DOMAIN_MAX_VCPUS         4096
#define XVM_DOMAIN_MAX_DISKS         512
#define XVM_DOMAIN_MAX_NETS          512
#define XVM_DOMAIN_MAX_CHARDEVS      64    /* serials, consoles: each */
#define XVM_DOMAIN_MAX_INPUTS        64
#define XVM_DOMAIN_MAX_GRAPHICS      16
#define XVM_DOMAIN_MAX_VIDEOS        16
#define XVM_DOMAIN_MAX_BOOT_DEVS     4
#define XVM_DOMAIN_MAX_IPS           64    /* <ip> per interface */
#define XVM_DOMAIN_MAX_CONTROLLERS   64
#define XVM_DOMAIN_MAX_METADATA_BYTES (1024 * 1024)
#define XVM_CPUSET_MAX_CPUS          4096  /* host CPU ids are < this */
/* <cputune><shares> is the credit scheduler's per-domain weight (libvirt's
 * libxl driver sets libxl's sched_params.weight from it); Xen's credit and
 * credit2 schedulers take 1 to 65535 (sched_credit.c). */
#define XVM_DOMAIN_CPU_WEIGHT_MIN    1
#define XVM_DOMAIN_CPU_WEIGHT_MAX    65535
/* <bandwidth><outbound average=...> in KB/s: libvirt's schema takes an
 * unsignedInt from 1. */
#define XVM_DOMAIN_NET_BANDWIDTH_MAX G_MAXUINT32

/* ------------------------------------------------------------------------ */
/* Enums: each has xvmXxxTypeToString(int) (NULL when out of range) and    */
/* xvmXxxTypeFromString(const char *) (-1 when unknown).                    */
/* ------------------------------------------------------------------------ */

#define XVM_ENUM_DECL(name) \
    const char *name##TypeToString(int type); \
    int name##TypeFromString(const char *str)

typedef enum {
    XVM_TRISTATE_BOOL_ABSENT = 0,
    XVM_TRISTATE_BOOL_YES,
    XVM_TRISTATE_BOOL_NO,
    XVM_TRISTATE_BOOL_LAST
} xvmTristateBool;                        /* "absent", "yes", "no" */
XVM_ENUM_DECL(xvmTristateBool);

typedef enum {
    XVM_TRISTATE_SWITCH_ABSENT = 0,
    XVM_TRISTATE_SWITCH_ON,
    XVM_TRISTATE_SWITCH_OFF,
    XVM_TRISTATE_SWITCH_LAST
} xvmTristateSwitch;                      /* "absent", "on", "off" */
XVM_ENUM_DECL(xvmTristateSwitch);

typedef enum {
    XVM_DOMAIN_OS_TYPE_XEN = 0,           /* "xen": PV ("linux" accepted on input;
                                             written as "linux" like libvirt) */
    XVM_DOMAIN_OS_TYPE_XENPVH,            /* "xenpvh": PVH */
    XVM_DOMAIN_OS_TYPE_HVM,               /* "hvm": fully virtualised */
    XVM_DOMAIN_OS_TYPE_LAST
} xvmDomainOSType;
XVM_ENUM_DECL(xvmDomainOSType);

typedef enum {
    XVM_DOMAIN_ARCH_X86_64 = 0,           /* "x86_64" */
    XVM_DOMAIN_ARCH_I686,                 /* "i686" */
    XVM_DOMAIN_ARCH_LAST
} xvmDomainArch;
XVM_ENUM_DECL(xvmDomainArch);

typedef enum {
    XVM_DOMAIN_MACHINE_XENPV = 0,         /* "xenpv"  (os type xen) */
    XVM_DOMAIN_MACHINE_XENPVH,            /* "xenpvh" (os type xenpvh) */
    XVM_DOMAIN_MACHINE_XENFV,             /* "xenfv"  (os type hvm) */
    XVM_DOMAIN_MACHINE_LAST
} xvmDomainMachine;
XVM_ENUM_DECL(xvmDomainMachine);

typedef enum {
    XVM_DOMAIN_BOOT_FLOPPY = 0,           /* "fd" */
    XVM_DOMAIN_BOOT_CDROM,                /* "cdrom" */
    XVM_DOMAIN_BOOT_DISK,                 /* "hd" */
    XVM_DOMAIN_BOOT_NET,                  /* "network" */
    XVM_DOMAIN_BOOT_LAST
} xvmDomainBootDev;
XVM_ENUM_DECL(xvmDomainBootDev);

typedef enum {
    XVM_DOMAIN_LOADER_TYPE_NONE = 0,      /* attribute absent */
    XVM_DOMAIN_LOADER_TYPE_ROM,           /* "rom" */
    XVM_DOMAIN_LOADER_TYPE_PFLASH,        /* "pflash" */
    XVM_DOMAIN_LOADER_TYPE_LAST
} xvmDomainLoaderType;
XVM_ENUM_DECL(xvmDomainLoaderType);

/* Index into xvmDomainDef.features[]; libvirt's formatting order. */
typedef enum {
    XVM_DOMAIN_FEATURE_ACPI = 0,          /* "acpi"     <acpi/>  */
    XVM_DOMAIN_FEATURE_APIC,              /* "apic"     <apic/>  */
    XVM_DOMAIN_FEATURE_PAE,               /* "pae"      <pae/>   */
    XVM_DOMAIN_FEATURE_HAP,               /* "hap"      <hap/> or <hap state='off'/> */
    XVM_DOMAIN_FEATURE_VIRIDIAN,          /* "viridian" <viridian/> */
    XVM_DOMAIN_FEATURE_LAST
} xvmDomainFeature;
XVM_ENUM_DECL(xvmDomainFeature);

typedef enum {
    XVM_DOMAIN_CLOCK_OFFSET_UTC = 0,      /* "utc" */
    XVM_DOMAIN_CLOCK_OFFSET_LOCALTIME,    /* "localtime" */
    XVM_DOMAIN_CLOCK_OFFSET_VARIABLE,     /* "variable" (adjustment, basis) */
    XVM_DOMAIN_CLOCK_OFFSET_LAST
} xvmDomainClockOffset;
XVM_ENUM_DECL(xvmDomainClockOffset);

typedef enum {
    XVM_DOMAIN_CLOCK_BASIS_UTC = 0,       /* "utc" */
    XVM_DOMAIN_CLOCK_BASIS_LOCALTIME,     /* "localtime" */
    XVM_DOMAIN_CLOCK_BASIS_LAST
} xvmDomainClockBasis;
XVM_ENUM_DECL(xvmDomainClockBasis);

/* Index into xvmDomainClockDef.timers[]: the <timer name=...> a Xen guest
 * has a setting for (xl tsc_mode, hpet), in the order libvirt's xl/xm
 * converter lists them. */
typedef enum {
    XVM_DOMAIN_TIMER_NAME_TSC = 0,        /* "tsc"  (xl/xm tsc_mode) */
    XVM_DOMAIN_TIMER_NAME_HPET,           /* "hpet" (xl/xm hpet, HVM only) */
    XVM_DOMAIN_TIMER_NAME_LAST
} xvmDomainTimerName;
XVM_ENUM_DECL(xvmDomainTimerName);

/* <timer mode=...> (tsc only). */
typedef enum {
    XVM_DOMAIN_TIMER_MODE_NONE = 0,       /* attribute absent */
    XVM_DOMAIN_TIMER_MODE_AUTO,           /* "auto":     tsc_mode "default" */
    XVM_DOMAIN_TIMER_MODE_NATIVE,         /* "native":   tsc_mode "native" */
    XVM_DOMAIN_TIMER_MODE_EMULATE,        /* "emulate":  tsc_mode "always_emulate" */
    XVM_DOMAIN_TIMER_MODE_PARAVIRT,       /* "paravirt": tsc_mode "native_paravirt" */
    XVM_DOMAIN_TIMER_MODE_LAST
} xvmDomainTimerMode;
XVM_ENUM_DECL(xvmDomainTimerMode);

typedef enum {
    XVM_DOMAIN_LIFECYCLE_ACTION_DESTROY = 0,      /* "destroy" */
    XVM_DOMAIN_LIFECYCLE_ACTION_RESTART,          /* "restart" */
    XVM_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME,   /* "rename-restart" */
    XVM_DOMAIN_LIFECYCLE_ACTION_PRESERVE,         /* "preserve" */
    XVM_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY, /* "coredump-destroy" (on_crash only) */
    XVM_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART, /* "coredump-restart" (on_crash only) */
    XVM_DOMAIN_LIFECYCLE_ACTION_LAST
} xvmDomainLifecycleAction;
XVM_ENUM_DECL(xvmDomainLifecycleAction);

typedef enum {
    XVM_DOMAIN_CPU_PLACEMENT_STATIC = 0,  /* "static" */
    XVM_DOMAIN_CPU_PLACEMENT_AUTO,        /* "auto" */
    XVM_DOMAIN_CPU_PLACEMENT_LAST
} xvmDomainCpuPlacement;
XVM_ENUM_DECL(xvmDomainCpuPlacement);

typedef enum {
    XVM_DOMAIN_DISK_TYPE_FILE = 0,        /* "file"  -> <source file=.../> */
    XVM_DOMAIN_DISK_TYPE_BLOCK,           /* "block" -> <source dev=.../> */
    XVM_DOMAIN_DISK_TYPE_LAST
} xvmDomainDiskType;
XVM_ENUM_DECL(xvmDomainDiskType);

typedef enum {
    XVM_DOMAIN_DISK_DEVICE_DISK = 0,      /* "disk" */
    XVM_DOMAIN_DISK_DEVICE_CDROM,         /* "cdrom" */
    XVM_DOMAIN_DISK_DEVICE_LAST
} xvmDomainDiskDevice;
XVM_ENUM_DECL(xvmDomainDiskDevice);

typedef enum {
    XVM_DOMAIN_DISK_BUS_DEFAULT = 0,      /* absent: derived from the target prefix */
    XVM_DOMAIN_DISK_BUS_XEN,              /* "xen"  (xvdX) */
    XVM_DOMAIN_DISK_BUS_IDE,              /* "ide"  (hdX)  */
    XVM_DOMAIN_DISK_BUS_SCSI,             /* "scsi" (sdX)  */
    XVM_DOMAIN_DISK_BUS_LAST
} xvmDomainDiskBus;
XVM_ENUM_DECL(xvmDomainDiskBus);

typedef enum {
    XVM_DOMAIN_DISK_DRIVER_DEFAULT = 0,   /* no name attribute */
    XVM_DOMAIN_DISK_DRIVER_FILE,          /* "file" */
    XVM_DOMAIN_DISK_DRIVER_PHY,           /* "phy" */
    XVM_DOMAIN_DISK_DRIVER_QEMU,          /* "qemu" */
    XVM_DOMAIN_DISK_DRIVER_TAP,           /* "tap" */
    XVM_DOMAIN_DISK_DRIVER_TAP2,          /* "tap2": blktap2 (xm tap2:aio:/path);
                                             served like "tap" */
    XVM_DOMAIN_DISK_DRIVER_LAST
} xvmDomainDiskDriver;
XVM_ENUM_DECL(xvmDomainDiskDriver);

typedef enum {
    XVM_DOMAIN_DISK_FORMAT_DEFAULT = 0,   /* no type attribute */
    XVM_DOMAIN_DISK_FORMAT_RAW,           /* "raw" */
    XVM_DOMAIN_DISK_FORMAT_QCOW2,         /* "qcow2" */
    XVM_DOMAIN_DISK_FORMAT_VHD,           /* "vhd" */
    XVM_DOMAIN_DISK_FORMAT_QCOW,          /* "qcow": QEMU's first image format */
    XVM_DOMAIN_DISK_FORMAT_QED,           /* "qed" */
    XVM_DOMAIN_DISK_FORMAT_LAST
} xvmDomainDiskFormat;
XVM_ENUM_DECL(xvmDomainDiskFormat);

typedef enum {
    XVM_DOMAIN_CONTROLLER_TYPE_IDE = 0,   /* "ide" */
    XVM_DOMAIN_CONTROLLER_TYPE_SCSI,      /* "scsi" */
    XVM_DOMAIN_CONTROLLER_TYPE_USB,       /* "usb" */
    XVM_DOMAIN_CONTROLLER_TYPE_XENBUS,    /* "xenbus" (maxGrantFrames, maxEventChannels) */
    XVM_DOMAIN_CONTROLLER_TYPE_LAST
} xvmDomainControllerType;
XVM_ENUM_DECL(xvmDomainControllerType);

typedef enum {
    XVM_DOMAIN_NET_TYPE_BRIDGE = 0,       /* "bridge"   <source bridge=.../> */
    XVM_DOMAIN_NET_TYPE_ETHERNET,         /* "ethernet" (script only) */
    XVM_DOMAIN_NET_TYPE_NETWORK,          /* "network"  <source network=.../> */
    XVM_DOMAIN_NET_TYPE_LAST
} xvmDomainNetType;
XVM_ENUM_DECL(xvmDomainNetType);

typedef enum {
    XVM_DOMAIN_CHR_TYPE_PTY = 0,          /* "pty" */
    XVM_DOMAIN_CHR_TYPE_LAST
} xvmDomainChrType;
XVM_ENUM_DECL(xvmDomainChrType);

typedef enum {
    XVM_DOMAIN_CHR_DEVICE_SERIAL = 0,     /* "serial"  element <serial> */
    XVM_DOMAIN_CHR_DEVICE_CONSOLE,        /* "console" element <console> */
    XVM_DOMAIN_CHR_DEVICE_LAST
} xvmDomainChrDevice;
XVM_ENUM_DECL(xvmDomainChrDevice);

/* <console><target type=.../>; unused for <serial>. */
typedef enum {
    XVM_DOMAIN_CHR_CONSOLE_TARGET_NONE = 0, /* absent */
    XVM_DOMAIN_CHR_CONSOLE_TARGET_XEN,      /* "xen": the PV console */
    XVM_DOMAIN_CHR_CONSOLE_TARGET_SERIAL,   /* "serial": mirrors <serial> port N */
    XVM_DOMAIN_CHR_CONSOLE_TARGET_LAST
} xvmDomainChrConsoleTarget;
XVM_ENUM_DECL(xvmDomainChrConsoleTarget);

typedef enum {
    XVM_DOMAIN_GRAPHICS_TYPE_SDL = 0,     /* "sdl" */
    XVM_DOMAIN_GRAPHICS_TYPE_VNC,         /* "vnc" */
    XVM_DOMAIN_GRAPHICS_TYPE_SPICE,       /* "spice" */
    XVM_DOMAIN_GRAPHICS_TYPE_LAST
} xvmDomainGraphicsType;
XVM_ENUM_DECL(xvmDomainGraphicsType);

typedef enum {
    XVM_DOMAIN_INPUT_TYPE_MOUSE = 0,      /* "mouse" */
    XVM_DOMAIN_INPUT_TYPE_TABLET,         /* "tablet" */
    XVM_DOMAIN_INPUT_TYPE_KEYBOARD,       /* "keyboard" */
    XVM_DOMAIN_INPUT_TYPE_LAST
} xvmDomainInputType;
XVM_ENUM_DECL(xvmDomainInputType);

typedef enum {
    XVM_DOMAIN_INPUT_BUS_DEFAULT = 0,     /* absent */
    XVM_DOMAIN_INPUT_BUS_PS2,             /* "ps2" */
    XVM_DOMAIN_INPUT_BUS_USB,             /* "usb" */
    XVM_DOMAIN_INPUT_BUS_XEN,             /* "xen" */
    XVM_DOMAIN_INPUT_BUS_LAST
} xvmDomainInputBus;
XVM_ENUM_DECL(xvmDomainInputBus);

typedef enum {
    XVM_DOMAIN_VIDEO_MODEL_VGA = 0,       /* "vga" */
    XVM_DOMAIN_VIDEO_MODEL_CIRRUS,        /* "cirrus" */
    XVM_DOMAIN_VIDEO_MODEL_XEN,           /* "xen" */
    XVM_DOMAIN_VIDEO_MODEL_LAST
} xvmDomainVideoModel;
XVM_ENUM_DECL(xvmDomainVideoModel);

/* ------------------------------------------------------------------------ */
/* Definition                                                               */
/* ------------------------------------------------------------------------ */

typedef struct {
    xvmDomainOSType type;
    xvmDomainArch arch;
    xvmDomainMachine machine;
    char *loader;                    /* <loader>PATH</loader>, HVM */
    xvmTristateBool loader_readonly; /* <loader readonly=...> */
    xvmDomainLoaderType loader_type; /* <loader type=...> */
    char *kernel;                    /* <kernel> */
    char *initrd;                    /* <initrd> */
    char *cmdline;                   /* <cmdline> */
    xvmDomainBootDev boot[XVM_DOMAIN_MAX_BOOT_DEVS];
    guint nboot;                     /* number of <boot dev=.../> used */
    char *bootloader;                /* <bootloader> (sibling of <os>) */
    char *bootloader_args;           /* <bootloader_args> (sibling of <os>) */
} xvmDomainOSDef;

/* One <clock><timer/>: set when the element is there. */
typedef struct {
    gboolean set;
    xvmTristateBool present;         /* present=... */
    xvmDomainTimerMode mode;         /* mode=..., tsc only */
} xvmDomainTimerDef;

typedef struct {
    xvmDomainClockOffset offset;
    long long adjustment;            /* seconds, offset == VARIABLE */
    gboolean adjustment_reset;       /* utc/localtime: adjustment='reset' */
    xvmDomainClockBasis basis;       /* offset == VARIABLE */
    xvmDomainTimerDef timers[XVM_DOMAIN_TIMER_NAME_LAST]; /* by name; formatted
                                        in this order (tsc, hpet) */
} xvmDomainClockDef;

typedef struct {
    guint vcpu;                      /* <vcpupin vcpu=N ...> */
    xvmBitmap *cpumask;              /* cpuset=... */
} xvmDomainVcpuPinDef;

typedef struct {
    xvmDomainDiskType type;
    xvmDomainDiskDevice device;
    xvmDomainDiskDriver driver;      /* <driver name=...> */
    xvmDomainDiskFormat format;      /* <driver type=...> */
    char *src;                       /* file or dev path; NULL: empty cdrom */
    char *dst;                       /* <target dev=...>: xvda, hdc, sdb ... */
    xvmDomainDiskBus bus;            /* <target bus=...> */
    gboolean readonly;               /* <readonly/> */
    gboolean shareable;              /* <shareable/> */
    gboolean has_address;            /* <address type='drive' .../> */
    guint addr_controller, addr_bus, addr_target, addr_unit;
} xvmDomainDiskDef;

typedef struct {
    xvmDomainControllerType type;
    guint index;
    char *model;                     /* <controller model=...>, NULL: absent */
    guint max_grant_frames;          /* xenbus: 0 = absent */
    guint max_event_channels;        /* xenbus: 0 = absent */
} xvmDomainControllerDef;

typedef struct {
    char *address;                   /* textual IPv4 or IPv6 address, validated */
    guint prefix;                    /* 0: absent */
} xvmDomainNetIPDef;

typedef struct {
    xvmDomainNetType type;
    xvmMac mac;
    gboolean mac_set;                /* FALSE: generated by xvmDomainDefPostParse */
    char *source;                    /* bridge name or network name */
    char *script;                    /* <script path=.../> */
    char *model;                     /* <model type=.../> (e.g. netfront, e1000) */
    char *ifname;                    /* <target dev=.../> (vifname) */
    GPtrArray *ips;                  /* xvmDomainNetIPDef* <ip address=... prefix=.../> */
    guint64 bandwidth_out_average;   /* <bandwidth><outbound average=.../>: KB/s
                                        (libvirt's kilobytes, 1024 bytes), the
                                        guest's outgoing traffic limit (xl/xm
                                        vif rate=); 0: absent, else 1 to
                                        XVM_DOMAIN_NET_BANDWIDTH_MAX */
} xvmDomainNetDef;

typedef struct {
    xvmDomainChrDevice device;       /* <serial> or <console> */
    xvmDomainChrType type;           /* source type: pty */
    char *tty;                       /* live only: /dev/pts/N (tty= and <source path=>) */
    xvmDomainChrConsoleTarget target_type; /* <console> only */
    int port;                        /* <target port=N>, -1 absent */
} xvmDomainChrDef;

typedef struct {
    xvmDomainGraphicsType type;
    int port;                        /* vnc/spice: -1 = not set / automatic */
    int tls_port;                    /* spice tlsPort: -1 = not set */
    gboolean autoport;               /* vnc/spice */
    char *listen;                    /* listen address */
    char *passwd;                    /* written only with XVM_DOMAIN_XML_SECURE */
    char *keymap;
    char *display;                   /* sdl */
    char *xauth;                     /* sdl */
    xvmTristateBool fullscreen;      /* sdl */
} xvmDomainGraphicsDef;

typedef struct {
    xvmDomainInputType type;
    xvmDomainInputBus bus;
} xvmDomainInputDef;

typedef struct {
    xvmDomainVideoModel model;
    guint vram;                      /* KiB, 0 = absent */
    guint heads;                     /* 0 = absent */
    gboolean primary;                /* primary='yes' */
} xvmDomainVideoDef;

typedef struct {
    int id;                          /* live domain id; -1 when inactive */
    char *name;
    xvmUuid uuid;
    char *title;
    char *description;
    char *metadata;                  /* the whole <metadata>...</metadata>
                                        element, serialised verbatim; NULL: none */

    guint64 max_memory;              /* <maxMemory> KiB, 0: absent */
    guint max_memory_slots;          /* <maxMemory slots=...> */
    guint64 memory;                  /* <memory> KiB (maximum allocation) */
    guint64 current_memory;          /* <currentMemory> KiB, 0: == memory */

    guint vcpus;                     /* <vcpu>N</vcpu>: maximum */
    guint vcpus_current;             /* <vcpu current=...>, 0: == vcpus */
    xvmDomainCpuPlacement placement;
    xvmBitmap *cpumask;              /* <vcpu cpuset=...>, NULL: none */
    GPtrArray *vcpupins;             /* xvmDomainVcpuPinDef*, sorted by vcpu */
    gboolean cputune_shares_set;     /* <cputune><shares> present */
    guint cputune_shares;            /* <cputune><shares>: the credit scheduler's
                                        weight (xl/xm cpu_weight), 1 to
                                        XVM_DOMAIN_CPU_WEIGHT_MAX once validated */

    xvmDomainOSDef os;
    xvmTristateSwitch features[XVM_DOMAIN_FEATURE_LAST];
    xvmDomainClockDef clock;

    xvmDomainLifecycleAction on_poweroff;
    xvmDomainLifecycleAction on_reboot;
    xvmDomainLifecycleAction on_crash;

    char *emulator;                  /* <devices><emulator> */
    GPtrArray *disks;                /* xvmDomainDiskDef* */
    GPtrArray *controllers;          /* xvmDomainControllerDef* */
    GPtrArray *nets;                 /* xvmDomainNetDef* */
    GPtrArray *serials;              /* xvmDomainChrDef* (device SERIAL) */
    GPtrArray *consoles;             /* xvmDomainChrDef* (device CONSOLE) */
    GPtrArray *inputs;               /* xvmDomainInputDef* */
    GPtrArray *graphics;             /* xvmDomainGraphicsDef* */
    GPtrArray *videos;               /* xvmDomainVideoDef* */
    gboolean memballoon;             /* <memballoon model='xen'/> */
} xvmDomainDef;

/* Lifetime. New() gives an empty definition: id -1, every array allocated
 * and empty, lifecycle destroy/restart/destroy, os type xen, x86_64. */
xvmDomainDef *xvmDomainDefNew(void);
void xvmDomainDefFree(xvmDomainDef *def);

xvmDomainDiskDef *xvmDomainDiskDefNew(void);
void xvmDomainDiskDefFree(xvmDomainDiskDef *disk);
xvmDomainControllerDef *xvmDomainControllerDefNew(xvmDomainControllerType type);
void xvmDomainControllerDefFree(xvmDomainControllerDef *controller);
xvmDomainNetIPDef *xvmDomainNetIPDefNew(const char *address, guint prefix);
void xvmDomainNetIPDefFree(xvmDomainNetIPDef *ip);
xvmDomainNetDef *xvmDomainNetDefNew(void);
void xvmDomainNetDefFree(xvmDomainNetDef *net);
xvmDomainChrDef *xvmDomainChrDefNew(xvmDomainChrDevice device);
void xvmDomainChrDefFree(xvmDomainChrDef *chr);
xvmDomainGraphicsDef *xvmDomainGraphicsDefNew(xvmDomainGraphicsType type);
void xvmDomainGraphicsDefFree(xvmDomainGraphicsDef *graphics);
xvmDomainInputDef *xvmDomainInputDefNew(void);
void xvmDomainInputDefFree(xvmDomainInputDef *input);
xvmDomainVideoDef *xvmDomainVideoDefNew(void);
void xvmDomainVideoDefFree(xvmDomainVideoDef *video);
xvmDomainVcpuPinDef *xvmDomainVcpuPinDefNew(void);
void xvmDomainVcpuPinDefFree(xvmDomainVcpuPinDef *pin);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainDef, xvmDomainDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainDiskDef, xvmDomainDiskDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainNetDef, xvmDomainNetDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainControllerDef, xvmDomainControllerDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainNetIPDef, xvmDomainNetIPDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainChrDef, xvmDomainChrDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainGraphicsDef, xvmDomainGraphicsDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainInputDef, xvmDomainInputDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainVideoDef, xvmDomainVideoDefFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainVcpuPinDef, xvmDomainVcpuPinDefFree)

/* Lookups. */
xvmDomainDiskDef *xvmDomainDefFindDisk(const xvmDomainDef *def, const char *dst);
xvmDomainNetDef *xvmDomainDefFindNetByMac(const xvmDomainDef *def, const xvmMac *mac);
/* vifDOMID.DEVID (or ...-emu): the name Xen gives an interface of a
 * running domain, live data only: the inactive XML leaves it out and an
 * inactive parse drops it, as libvirt's libxl driver does. */
gboolean xvmDomainNetIfnameIsGenerated(const char *name);

/* Deep copy (through format + parse of the inactive+secure XML would lose
 * live data; this copies every field). */
xvmDomainDef *xvmDomainDefCopy(const xvmDomainDef *def);
xvmDomainDiskDef *xvmDomainDiskDefCopy(const xvmDomainDiskDef *disk);
xvmDomainNetDef *xvmDomainNetDefCopy(const xvmDomainNetDef *net);

/* ------------------------------------------------------------------------ */
/* XML                                                                      */
/* ------------------------------------------------------------------------ */

typedef enum {
    /* Ignore live-only data: the id attribute, chardev tty paths, the
     * port of autoport graphics. Use when defining a persistent config. */
    XVM_DOMAIN_PARSE_INACTIVE = 1 << 0,
    /* Do not fill defaults or generate a UUID / MACs (xvmDomainDefPostParse)
     * nor run xvmDomainDefValidate: the raw document only. */
    XVM_DOMAIN_PARSE_SKIP_POST_PARSE = 1 << 1,
} xvmDomainParseFlags;

/* Same values as libvirt's virDomainXMLFlags. */
typedef enum {
    XVM_DOMAIN_XML_SECURE   = 1 << 0,   /* == VIR_DOMAIN_XML_SECURE: include passwd */
    XVM_DOMAIN_XML_INACTIVE = 1 << 1,   /* == VIR_DOMAIN_XML_INACTIVE: no live data */
} xvmDomainXMLFlags;

/* Parse a <domain type='xen'> document of `len` bytes (-1: NUL-terminated).
 * Refuses documents over XVM_DOMAIN_XML_MAX_BYTES, DTDs and entities, and
 * never touches the network. Unless XVM_DOMAIN_PARSE_SKIP_POST_PARSE, also
 * runs xvmDomainDefPostParse and xvmDomainDefValidate.
 * Returns NULL and sets *error (XVM_CONF_ERROR) on failure. */
xvmDomainDef *xvmDomainDefParseString(const char *xml, gssize len,
                                      unsigned int parse_flags, GError **error);

/* Format in libvirt's canonical form (2-space indent, libvirt's element and
 * attribute order, single-quoted attributes). A def with id >= 0 is written
 * as live unless XVM_DOMAIN_XML_INACTIVE. Never fails for a valid def;
 * returns NULL and sets *error for one that cannot be written (e.g. an enum
 * out of range). */
char *xvmDomainDefFormat(const xvmDomainDef *def, unsigned int xml_flags,
                         GError **error);

/* Fill libvirt's defaults: machine from the os type, currentMemory = memory,
 * current vcpus = vcpus, a random v4 UUID if unset, 00:16:3e:xx:xx:xx MACs
 * for interfaces without one, console target type from the os type. */
gboolean xvmDomainDefPostParse(xvmDomainDef *def, GError **error);

/* Check the definition (whatever built it: XML parser, xl/xm converter,
 * driver) and report the first problem, naming the element and value. */
gboolean xvmDomainDefValidate(const xvmDomainDef *def, GError **error);

/* One device element, as virDomainAttachDevice and friends take it. */
typedef enum {
    XVM_DOMAIN_DEVICE_DISK = 0,      /* <disk>: disk */
    XVM_DOMAIN_DEVICE_NET,           /* <interface>: net */
    XVM_DOMAIN_DEVICE_OTHER,         /* another device element of libvirt's
                                        domain XML, not parsed: name is its
                                        libvirt device type ("hostdev", "chr") */
} xvmDomainDeviceType;

typedef struct {
    xvmDomainDeviceType type;
    char *name;                      /* the device type, for messages */
    xvmDomainDiskDef *disk;          /* DISK */
    xvmDomainNetDef *net;            /* NET */
    gboolean mac_specified;          /* NET: <mac> was given (else generated) */
} xvmDomainDeviceDef;

void xvmDomainDeviceDefFree(xvmDomainDeviceDef *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmDomainDeviceDef, xvmDomainDeviceDefFree)

/* Parse one <disk> or <interface> element (NUL-terminated), with the
 * same limits and refusals as a whole document, and the defaults it
 * would get as the last device of `def` (may be NULL): the bus from its
 * target, a generated MAC that no interface of `def` has. Any other
 * device element of libvirt's domain XML gives type
 * XVM_DOMAIN_DEVICE_OTHER (the caller refuses it in its own words); an
 * element that is no device is VIR_ERR_XML_ERROR "unknown device type".
 * The device alone is not validated: the caller validates the
 * definition it puts it into (xvmDomainDefValidate). */
xvmDomainDeviceDef *xvmDomainDeviceDefParseString(const char *xml, const xvmDomainDef *def,
                                                  unsigned int parse_flags,
                                                  GError **error);

/* Units: parse "VALUE" with "UNIT" (NULL: default KiB; b, bytes, k, KiB,
 * KB, M, MiB, MB, G, GiB, GB, T, TiB, TB, P, PiB, PB, E, EiB, EB) into KiB,
 * rounding up to a whole KiB. `what` names the element in messages. */
gboolean xvmParseScaledKiB(const char *what, const char *value,
                           const char *unit, guint64 *kib, GError **error);

/* Disk target name -> index (xvda -> 0, hdb -> 1, sdaa -> 26); -1 if the
 * name is not <prefix><letters> for prefix xvd, hd, sd. */
int xvmDiskNameToIndex(const char *name);

G_END_DECLS
