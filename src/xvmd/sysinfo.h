/* The host's SMBIOS data as libvirt's <sysinfo type='smbios'> document
 * (virConnectGetSysinfo), read from the kernel's DMI attributes instead of
 * running dmidecode. */
#ifndef XVMD_SYSINFO_H
#define XVMD_SYSINFO_H

#define XVMD_SYSINFO_DMI_DIR "/sys/class/dmi/id"

/* The document from the files of dmi_dir (bios_vendor, sys_vendor,
 * board_name, ...). Files that are absent, unreadable (product_serial is
 * root's) or empty are left out, and so are sections without entries: a
 * machine without DMI gets an empty <sysinfo type='smbios'/>. */
char *xvmd_sysinfo_format(const char *dmi_dir);

#endif
