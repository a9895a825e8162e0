" cspr policy and scenario files.
autocmd BufRead,BufNewFile *.policy setfiletype cspr
autocmd BufRead,BufNewFile *.scenario setfiletype cspr
