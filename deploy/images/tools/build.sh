# amsy810/tools: the debian base; no ENTRYPOINT, so `kubectl run ... -- curl ...` arguments replace CMD bash.
umoci tag --image "$LAYOUT:base-debian" tools
configure tools "$DESCRIPTION" --clear=config.entrypoint --config.cmd bash
