" cspr: comments start with #, two-space indentation, `gq` formats with cspr fmt.
if exists('b:did_ftplugin') | finish | endif
let b:did_ftplugin = 1
setlocal commentstring=#\ %s comments=:#
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal iskeyword=a-z,A-Z,48-57,_
if expand('%:e') ==# 'scenario'
  setlocal formatprg=cspr\ fmt\ --stdin\ --scenario
else
  setlocal formatprg=cspr\ fmt\ --stdin
endif
let b:undo_ftplugin = 'setlocal commentstring< comments< expandtab< shiftwidth< softtabstop< iskeyword< formatprg<'
