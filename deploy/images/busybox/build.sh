# busybox: the busybox base as is (Debian's busybox-static, applets in /bin); CMD sh like upstream.
umoci tag --image "$LAYOUT:base-busybox" busybox
configure busybox "$DESCRIPTION" --clear=config.entrypoint --config.cmd sh
