# tutum/dnsutils and the e2e dnsutils images: the debian base; CMD bash like upstream (pods add `sleep`).
umoci tag --image "$LAYOUT:base-debian" dnsutils
configure dnsutils "$DESCRIPTION" --clear=config.entrypoint --config.cmd bash
