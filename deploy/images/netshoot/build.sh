# nicolaka/netshoot: the debian base (bash, curl, dig, ip, nft, tcpdump, conntrack, nc, ping); config only.
umoci tag --image "$LAYOUT:base-debian" netshoot
configure netshoot "$DESCRIPTION" --clear=config.entrypoint --config.cmd bash
