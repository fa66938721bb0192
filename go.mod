module github.com/leadtable/owg

go 1.26.8
