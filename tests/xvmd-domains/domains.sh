#!/bin/sh
# Defined domains through virsh and python3-libvirt: define, list, dominfo,
# dumpxml (valid against libvirt's schema), domstate --reason, autostart,
# undefine, the legacy listing calls, and bad input: unknown domains,
# duplicate names and uuids, malformed or invalid XML, wrong states,
# unknown flags, read-only connections.
. "$STACK_SH"
stack_start

echo kernel >"$DIR/vmlinuz"
guest_xml() {  # NAME [UUID]
	cat <<XML
<domain type='xen'>
  <name>$1</name>
  ${2:+<uuid>$2</uuid>}
  <memory unit='MiB'>128</memory>
  <vcpu>2</vcpu>
  <os><type>linux</type><kernel>$DIR/vmlinuz</kernel></os>
  <devices><console type='pty'/></devices>
</domain>
XML
}
guest_xml g1 11111111-2222-3333-4444-555555555555 >"$DIR/g1.xml"
guest_xml g2 >"$DIR/g2.xml"

out=$(virsh -c "$URI" define "$DIR/g1.xml") || fail "define: $out"
virsh -c "$URI" define "$DIR/g2.xml" >/dev/null || fail "define g2"
[ -f "$DIR/state/g1.xml" ] || fail "no config file for g1"
out=$(virsh -c "$URI" list --all --name) || fail "list --all: $out"
[ "$(echo "$out" | grep -v '^$' | tr '\n' ' ')" = "Domain-0 g1 g2 " ] || fail "list --all: $out"
out=$(virsh -c "$URI" list --inactive --name | grep -v '^$' | tr '\n' ' ')
[ "$out" = "g1 g2 " ] || fail "list --inactive: $out"
out=$(virsh -c "$URI" list --all) || fail "list --all"
echo "$out" | grep -q " -  *g1  *shut off" || fail "list --all: $out"
out=$(virsh -c "$URI" domstate g1 --reason) || fail "domstate"
[ "$(echo "$out" | head -1)" = "shut off (unknown)" ] || fail "domstate --reason: $out"
out=$(virsh -c "$URI" dominfo g1) || fail "dominfo: $out"
echo "$out" | grep -q "^UUID: *11111111-2222-3333-4444-555555555555$" || fail "dominfo uuid: $out"
echo "$out" | grep -q "^State: *shut off$" || fail "dominfo state: $out"
echo "$out" | grep -q "^CPU(s): *2$" || fail "dominfo cpus: $out"
echo "$out" | grep -q "^Max memory: *131072 KiB$" || fail "dominfo memory: $out"
echo "$out" | grep -q "^Persistent: *yes$" || fail "dominfo persistent: $out"
echo "$out" | grep -q "^Autostart: *disable$" || fail "dominfo autostart: $out"
echo "$out" | grep -q "^Managed save: *no$" || fail "dominfo managed save: $out"
[ "$(virsh -c "$URI" domuuid g1 | head -1)" = "11111111-2222-3333-4444-555555555555" ] || fail "domuuid"
[ "$(virsh -c "$URI" domname 11111111-2222-3333-4444-555555555555 | head -1)" = "g1" ] || fail "domname"
[ "$(virsh -c "$URI" domname 0 | head -1)" = "Domain-0" ] || fail "domname 0"
virsh -c "$URI" dumpxml g1 >"$DIR/dump.xml" || fail "dumpxml"
virt-xml-validate "$DIR/dump.xml" domain >/dev/null 2>&1 || fail "dumpxml does not validate"
grep -q "<name>g1</name>" "$DIR/dump.xml" || fail "dumpxml name"
grep -q "id=" "$DIR/dump.xml" && fail "dumpxml of an inactive domain has an id"
virsh -c "$URI" dumpxml --inactive g1 >"$DIR/dump2.xml" || fail "dumpxml --inactive"
cmp -s "$DIR/dump.xml" "$DIR/dump2.xml" || fail "dumpxml --inactive differs"
virsh -r -c "$URI_RO" dumpxml g1 >/dev/null || fail "dumpxml read-only"

virsh -c "$URI" autostart g1 >/dev/null || fail "autostart"
[ -L "$DIR/state/autostart/g1.xml" ] || fail "no autostart link"
virsh -c "$URI" dominfo g1 | grep -q "^Autostart: *enable$" || fail "dominfo autostart enable"
virsh -c "$URI" list --all --autostart --name | grep -q "^g1$" || fail "list --autostart"
virsh -c "$URI" autostart --disable g1 >/dev/null || fail "autostart --disable"
[ -e "$DIR/state/autostart/g1.xml" ] && fail "autostart link left"
out=$(virsh -c "$URI" autostart Domain-0 2>&1) && fail "autostart of Domain-0"
echo "$out" | grep -q "cannot set autostart for transient domain" || fail "autostart Domain-0: $out"

out=$(virsh -c "$URI" undefine g2) || fail "undefine: $out"
[ -e "$DIR/state/g2.xml" ] && fail "g2's config left"
out=$(virsh -c "$URI" dominfo g2 2>&1) && fail "dominfo of an undefined domain"
out=$(virsh -c "$URI" undefine Domain-0 2>&1) && fail "undefine Domain-0"
out=$(virsh -c "$URI" define "$DIR/absent.xml" 2>&1) && fail "define of nothing"

/usr/bin/python3 - "$URI" "$URI_RO" "$DIR" <<'PY' || fail "python3-libvirt"
import sys, libvirt
uri, uri_ro, d = sys.argv[1:4]
libvirt.registerErrorHandler(lambda *a: None, None)
c = libvirt.open(uri)
def err(code, f, *a):
    try:
        f(*a)
    except libvirt.libvirtError as e:
        assert e.get_error_code() == code, (f.__name__, a, e.get_error_code(), str(e))
        return str(e)
    raise AssertionError("%s%r succeeded" % (f.__name__, a))
g1xml = open(d + "/g1.xml").read()
g1 = c.lookupByName("g1")
assert g1.UUIDString() == "11111111-2222-3333-4444-555555555555"
assert g1.ID() == -1 and not g1.isActive() and g1.isPersistent() and not g1.isUpdated()
assert g1.OSType() == "linux" or g1.OSType() == "xen", g1.OSType()
assert g1.maxMemory() == 131072
assert g1.info() == [libvirt.VIR_DOMAIN_SHUTOFF, 131072, 131072, 2, 0], g1.info()
assert g1.state() == [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_UNKNOWN]
assert g1.hasManagedSaveImage() == 0 and g1.autostart() == 0
assert g1.schedulerType() == ("credit", 2)
assert c.lookupByUUIDString(g1.UUIDString()).name() == "g1"
assert c.lookupByID(0).name() == "Domain-0"
dom0 = c.lookupByName("Domain-0")
assert dom0.isActive() and not dom0.isPersistent() and dom0.state()[0] == libvirt.VIR_DOMAIN_RUNNING

# The legacy listing calls.
assert c.numOfDomains() == 1 and c.listDomainsID() == [0]
assert c.numOfDefinedDomains() == 1 and c.listDefinedDomains() == ["g1"]
names = lambda flags: sorted(x.name() for x in c.listAllDomains(flags))
assert names(0) == ["Domain-0", "g1"]
assert names(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE) == ["Domain-0"]
assert names(libvirt.VIR_CONNECT_LIST_DOMAINS_INACTIVE) == ["g1"]
assert names(libvirt.VIR_CONNECT_LIST_DOMAINS_PERSISTENT) == ["g1"]
assert names(libvirt.VIR_CONNECT_LIST_DOMAINS_TRANSIENT) == ["Domain-0"]
err(libvirt.VIR_ERR_INVALID_ARG, c.listAllDomains, 1 << 30)

# Unknown domains: libvirt's code and words.
m = err(libvirt.VIR_ERR_NO_DOMAIN, c.lookupByName, "nosuch")
assert m == "Domain not found: no domain with matching name 'nosuch'", m
m = err(libvirt.VIR_ERR_NO_DOMAIN, c.lookupByUUIDString, "99999999-2222-3333-4444-555555555555")
assert m == "Domain not found: no domain with matching uuid '99999999-2222-3333-4444-555555555555'", m
m = err(libvirt.VIR_ERR_NO_DOMAIN, c.lookupByID, 77)
assert m == "Domain not found: no domain with matching id 77", m
# A reference to a domain that went away.
g2 = c.defineXML(open(d + "/g2.xml").read())
g2.undefine()
m = err(libvirt.VIR_ERR_NO_DOMAIN, g2.info)
assert "no domain with matching uuid" in m and "(g2)" in m, m
err(libvirt.VIR_ERR_NO_DOMAIN, g2.XMLDesc, 0)
err(libvirt.VIR_ERR_NO_DOMAIN, g2.undefine)

# Duplicates.
m = err(libvirt.VIR_ERR_OPERATION_FAILED, c.defineXML,
        g1xml.replace("11111111", "22222222"))
assert "domain 'g1' already exists with uuid" in m, m
m = err(libvirt.VIR_ERR_OPERATION_FAILED, c.defineXML,
        g1xml.replace("<name>g1</name>", "<name>g1b</name>"))
assert "already defined with uuid" in m, m
# Redefining the same domain updates it.
c.defineXML(g1xml.replace("<vcpu>2</vcpu>", "<vcpu>3</vcpu>"))
assert c.lookupByName("g1").info()[3] == 3
c.defineXML(g1xml)

# Bad XML.
err(libvirt.VIR_ERR_XML_DETAIL, c.defineXML, "<domain")
err(libvirt.VIR_ERR_XML_ERROR, c.defineXML, "<domain type='xen'><name>x</name></domain>")
err(libvirt.VIR_ERR_XML_ERROR, c.defineXML, "")
m = err(libvirt.VIR_ERR_OPERATION_INVALID, c.defineXML,
        g1xml.replace("g1", "Domain-0").replace("11111111", "33333333"))
assert "cannot be defined" in m, m
# VALIDATE: libvirt's schema refuses what the parser might let through.
bad = g1xml.replace("<vcpu>2</vcpu>", "<vcpu>2</vcpu><bogus/>")
err(libvirt.VIR_ERR_XML_INVALID_SCHEMA, c.defineXMLFlags, bad, libvirt.VIR_DOMAIN_DEFINE_VALIDATE)
c.defineXMLFlags(g1xml, libvirt.VIR_DOMAIN_DEFINE_VALIDATE)
m = err(libvirt.VIR_ERR_INVALID_ARG, c.defineXMLFlags, g1xml, 1 << 7)
assert m == "invalid argument: unsupported flags (0x80) in function libxlDomainDefineXMLFlags", m

# Wrong states and flags.
m = err(libvirt.VIR_ERR_OPERATION_INVALID, g1.destroy)
assert m == "Requested operation is not valid: domain is not running", m
err(libvirt.VIR_ERR_OPERATION_INVALID, g1.suspend)
err(libvirt.VIR_ERR_OPERATION_INVALID, g1.resume)
err(libvirt.VIR_ERR_OPERATION_INVALID, g1.shutdown)
err(libvirt.VIR_ERR_OPERATION_INVALID, g1.reboot, 0)
err(libvirt.VIR_ERR_OPERATION_INVALID, dom0.destroy)
err(libvirt.VIR_ERR_OPERATION_INVALID, dom0.undefine)
err(libvirt.VIR_ERR_OPERATION_INVALID, dom0.create)
err(libvirt.VIR_ERR_INVALID_ARG, g1.XMLDesc, 1 << 8)
err(libvirt.VIR_ERR_INVALID_ARG, g1.state, 1)
err(libvirt.VIR_ERR_INVALID_ARG, g1.undefineFlags, libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
err(libvirt.VIR_ERR_INVALID_ARG, g1.createWithFlags, 1 << 9)

# Read-only: queries yes, changes no, secrets no.
r = libvirt.openReadOnly(uri_ro)
rg1 = r.lookupByName("g1")
assert rg1.info() == g1.info() and len(r.listAllDomains(0)) == 2
err(libvirt.VIR_ERR_OPERATION_DENIED, r.defineXML, g1xml)
err(libvirt.VIR_ERR_OPERATION_DENIED, rg1.undefine)
err(libvirt.VIR_ERR_OPERATION_DENIED, rg1.create)
err(libvirt.VIR_ERR_OPERATION_DENIED, rg1.setAutostart, 1)
err(libvirt.VIR_ERR_OPERATION_DENIED, rg1.XMLDesc, libvirt.VIR_DOMAIN_XML_SECURE)
assert "<name>g1</name>" in rg1.XMLDesc(0)

g1.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | libvirt.VIR_DOMAIN_UNDEFINE_NVRAM)
assert names(0) == ["Domain-0"]
PY
