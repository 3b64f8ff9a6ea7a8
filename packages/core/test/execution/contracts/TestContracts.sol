// SPDX-License-Identifier: MIT
// Contracts for the executor's differential tests. Compiled ahead by compile.mjs into ../contracts.ts; never at test time.
pragma solidity 0.8.28;

contract Token {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error InsufficientBalance(uint256 available, uint256 required);

    constructor(uint256 supply) {
        balanceOf[msg.sender] = supply;
        totalSupply = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        uint256 available = balanceOf[msg.sender];
        if (available < value) revert InsufficientBalance(available, value);
        unchecked {
            balanceOf[msg.sender] = available - value;
        }
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        require(allowance[from][msg.sender] >= value, "allowance exceeded");
        allowance[from][msg.sender] -= value;
        require(balanceOf[from] >= value, "balance exceeded");
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}

contract Child {
    uint256 public stored;

    constructor(uint256 value) payable {
        stored = value;
    }

    function destroy(address payable to) external {
        selfdestruct(to);
    }
}

contract Factory {
    event Created(address child);

    function deploy(bytes32 salt, uint256 value) external payable returns (address child) {
        child = address(new Child{salt: salt, value: msg.value}(value));
        emit Created(child);
    }

    /// Creates a child and destroys it in the same transaction (EIP-6780: the account is deleted).
    function deployAndDestroy(bytes32 salt, address payable beneficiary) external payable returns (address child) {
        Child c = new Child{salt: salt, value: msg.value}(7);
        c.destroy(beneficiary);
        child = address(c);
    }
}

contract Storage {
    mapping(uint256 => uint256) public slots;

    function set(uint256 key, uint256 value) external {
        slots[key] = value;
    }

    /// Clears slots 0..n-1: each clear earns an EIP-3529 refund.
    function clear(uint256 n) external {
        for (uint256 i = 0; i < n; i++) delete slots[i];
    }

    function fill(uint256 n) external {
        for (uint256 i = 0; i < n; i++) slots[i] = i + 1;
    }

    /// Burns gas until it runs out.
    function spin() external {
        uint256 i;
        while (true) {
            slots[i % 8] = i;
            i++;
        }
    }

    function failWith(string calldata reason) external pure {
        revert(reason);
    }

    function callMany(address target, uint256 n) external returns (uint256 total) {
        for (uint256 i = 0; i < n; i++) total += Storage(target).slots(i);
    }
}

/// Code an EOA delegates to with EIP-7702.
contract Delegate {
    event Called(address sender, uint256 value);

    function ping(uint256 value) external {
        assembly {
            sstore(0, value)
        }
        emit Called(msg.sender, value);
    }
}
