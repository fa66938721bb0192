// Command owg is the table a LEAD Operational Work Group sits at.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "owg: under construction")
	os.Exit(1)
}
